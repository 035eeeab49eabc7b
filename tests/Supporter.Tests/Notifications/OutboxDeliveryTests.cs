using Supporter.Grains.Notifications;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Notifications;

/// <summary>The outbox's promises: once per key, retried with backoff until it gets through, preferences and relevance honoured.</summary>
[Collection(NotificationCollection.Name)]
public sealed class OutboxDeliveryTests(NotificationFixture fixture)
{
    private static readonly DateTimeOffset Show = new(2031, 6, 13, 18, 30, 0, TimeSpan.Zero);

    private static OutboundNotification Accepted(string key, Guid? supporter, string? email = null, DateTimeOffset? notBefore = null) =>
        new(key, NotificationTemplate.TransferAccepted, supporter, email,
            new TransferAcceptedData(Guid.NewGuid(), Guid.NewGuid(), "General admission", "The Testers Live", "Sam Friend"), notBefore);

    private static OutboundNotification Reminder(string key, Guid supporter, Guid showtimeId, DateTimeOffset startsAt) =>
        new(key, NotificationTemplate.ShowReminder, supporter, null, new ShowReminderData(showtimeId, "The Testers Live", startsAt, "Camden Hall"));

    [Fact]
    public async Task The_same_key_enqueued_again_and_concurrently_on_both_silos_sends_one_email()
    {
        var (supporter, email) = await fixture.SupporterAsync();
        var key = NotificationFixture.Key("transfer-accepted");
        var settled = NotificationProbe.WhenFinished(key);

        await fixture.Outbox().EnqueueAsync(Accepted(key, supporter));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => fixture.Outbox(i % 2).EnqueueAsync(Accepted(key, supporter)))));

        await fixture.Mail.NextAsync(email);
        Assert.Equal(NotificationOutcome.Sent, (await settled.Within()).Outcome);
        Assert.Equal(1, await fixture.RowCountAsync(key));
        Assert.Equal(1, fixture.Mail.ReceivedCount(email));
    }

    [Fact]
    public async Task Messages_enqueued_on_two_silos_each_arrive_exactly_once()
    {
        var messages = Enumerable.Range(0, 30).Select(_ => (Key: NotificationFixture.Key("transfer-accepted"), To: Accounts.UniqueEmail("many"))).ToList();
        var settled = messages.Select(m => NotificationProbe.WhenFinished(m.Key)).ToList();

        await Task.WhenAll(messages.Select((m, i) => fixture.Outbox(i % 2).EnqueueAsync(Accepted(m.Key, null, m.To))));

        await Task.WhenAll(settled).Within();
        Assert.All(settled, s => Assert.Equal(NotificationOutcome.Sent, s.Result.Outcome));
        Assert.All(messages, m => Assert.Equal(1, fixture.Mail.ReceivedCount(m.To)));
    }

    [Fact]
    public async Task An_unavailable_relay_is_retried_with_backoff_and_the_message_then_arrives_once()
    {
        var (supporter, email) = await fixture.SupporterAsync();
        var key = NotificationFixture.Key("transfer-accepted");
        var settled = NotificationProbe.WhenFinished(key);
        fixture.Mail.Unavailable = true;
        try
        {
            await fixture.Outbox(1).EnqueueAsync(Accepted(key, supporter));
            await NotificationProbe.WhenFailed(key, 2).Within();
            var failing = await fixture.RowAsync(key);
            Assert.Null(failing.Outcome);
            Assert.False(failing.EmailSent);
            Assert.StartsWith("SMTP 421", failing.LastError);
        }
        finally
        {
            fixture.Mail.Unavailable = false;
        }

        await fixture.Mail.NextAsync(email);
        Assert.Equal(NotificationOutcome.Sent, (await settled.Within()).Outcome);
        var row = await fixture.RowAsync(key);
        Assert.True(row.Attempts >= 2, $"{row.Attempts} failed attempts recorded");
        Assert.True(row.EmailSent);
        Assert.Equal(1, fixture.Mail.ReceivedCount(email));
    }

    [Fact]
    public async Task A_supporter_who_turned_email_off_gets_none_and_the_row_says_so()
    {
        var (supporter, email) = await fixture.SupporterAsync(email: false);
        var key = NotificationFixture.Key("transfer-accepted");
        var settled = NotificationProbe.WhenFinished(key);

        await fixture.Outbox().EnqueueAsync(Accepted(key, supporter));

        var outcome = await settled.Within();
        Assert.Equal(NotificationOutcome.SkippedPreferences, outcome.Outcome);
        Assert.Contains("e-mail off", outcome.Detail);
        Assert.Equal("skipped-preferences", (await fixture.RowAsync(key)).Outcome);
        Assert.Equal(0, fixture.Mail.ReceivedCount(email));
    }

    [Fact]
    public async Task A_message_for_later_waits_until_the_business_clock_passes_its_time()
    {
        var (supporter, email) = await fixture.SupporterAsync();
        var later = NotificationFixture.Key("later");
        var notBefore = fixture.Cluster.Clock.GetUtcNow().AddDays(1);
        var laterSettled = NotificationProbe.WhenFinished(later);
        await fixture.Outbox().EnqueueAsync(Accepted(later, supporter, notBefore: notBefore));

        // A message enqueued after it and sent proves a sweep looked at the later one and left it.
        var now = NotificationFixture.Key("now");
        var nowSettled = NotificationProbe.WhenFinished(now);
        await fixture.Outbox().EnqueueAsync(Accepted(now, supporter));
        await nowSettled.Within();
        Assert.False(laterSettled.IsCompleted);
        var waiting = await fixture.RowAsync(later);
        Assert.Null(waiting.Outcome);
        Assert.Equal(notBefore.ToUnixTimeMilliseconds(), waiting.NotBefore?.ToUnixTimeMilliseconds());
        Assert.Equal(1, fixture.Mail.ReceivedCount(email));

        fixture.Cluster.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        Assert.Equal(NotificationOutcome.Sent, (await laterSettled.Within()).Outcome);
        Assert.Equal(2, fixture.Mail.ReceivedCount(email));
    }

    [Fact]
    public async Task A_reminder_goes_only_to_supporters_who_still_hold_a_ticket_for_the_showtime()
    {
        var showtimeId = Guid.NewGuid();
        var (refunded, refundedEmail) = await fixture.SupporterAsync();
        var (received, receivedEmail) = await fixture.SupporterAsync();
        await TicketRows.InsertAsync(fixture.Cluster.ConnectionString, refunded, showtimeId, "refunded");
        await TicketRows.InsertAsync(fixture.Cluster.ConnectionString, received, showtimeId, "transferred");
        var (staleKey, liveKey) = (NotificationFixture.Key("show-reminder"), NotificationFixture.Key("show-reminder"));
        var (stale, live) = (NotificationProbe.WhenFinished(staleKey), NotificationProbe.WhenFinished(liveKey));

        await fixture.Outbox().EnqueueAsync(Reminder(staleKey, refunded, showtimeId, Show));
        await fixture.Outbox().EnqueueAsync(Reminder(liveKey, received, showtimeId, Show));

        Assert.Equal(NotificationOutcome.SkippedStale, (await stale.Within()).Outcome);
        Assert.Equal(NotificationOutcome.Sent, (await live.Within()).Outcome);
        Assert.Equal("skipped-stale", (await fixture.RowAsync(staleKey)).Outcome);
        Assert.Equal(0, fixture.Mail.ReceivedCount(refundedEmail));
        Assert.Equal(1, fixture.Mail.ReceivedCount(receivedEmail));
    }

    [Fact]
    public async Task A_reminder_whose_show_has_started_is_skipped()
    {
        var showtimeId = Guid.NewGuid();
        var (supporter, email) = await fixture.SupporterAsync();
        await TicketRows.InsertAsync(fixture.Cluster.ConnectionString, supporter, showtimeId, "issued");
        var key = NotificationFixture.Key("show-reminder");
        var settled = NotificationProbe.WhenFinished(key);

        await fixture.Outbox().EnqueueAsync(Reminder(key, supporter, showtimeId, fixture.Cluster.Clock.GetUtcNow().AddMinutes(-1)));

        var outcome = await settled.Within();
        Assert.Equal(NotificationOutcome.SkippedStale, outcome.Outcome);
        Assert.Equal("the show has started", outcome.Detail);
        Assert.Equal(0, fixture.Mail.ReceivedCount(email));
    }

    [Fact]
    public async Task A_message_for_a_supporter_who_does_not_exist_is_settled_not_retried()
    {
        var key = NotificationFixture.Key("transfer-accepted");
        var settled = NotificationProbe.WhenFinished(key);

        await fixture.Outbox().EnqueueAsync(Accepted(key, Guid.NewGuid()));

        Assert.Equal(NotificationOutcome.SkippedNoRecipient, (await settled.Within()).Outcome);
        Assert.Equal(0, (await fixture.RowAsync(key)).Attempts);
    }

    [Fact]
    public async Task A_notification_that_could_never_be_sent_is_refused_at_enqueue()
    {
        var outbox = fixture.Outbox();
        var data = new TransferAcceptedData(Guid.NewGuid(), Guid.NewGuid(), "GA", "Show", "Sam");

        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(
            new OutboundNotification("both", NotificationTemplate.TransferAccepted, Guid.NewGuid(), "a@example.test", data)));
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(
            new OutboundNotification("neither", NotificationTemplate.TransferAccepted, null, null, data)));
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(
            new OutboundNotification("mismatch", NotificationTemplate.RefundIssued, Guid.NewGuid(), null, data)));
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(
            new OutboundNotification("", NotificationTemplate.TransferAccepted, Guid.NewGuid(), null, data)));
    }
}
