using Supporter.Grains.Notifications;
using Supporter.Identity;
using Supporter.Notifications;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Notifications;

/// <summary>Push through the FCM HTTP v1 protocol to the fake FCM, next to e-mail, with the supporter's quiet hours.</summary>
[Collection(NotificationCollection.Name)]
public sealed class PushTests(NotificationFixture fixture)
{
    private static OutboundNotification Received(string key, Guid supporter, Guid transferId) =>
        new(key, NotificationTemplate.TransferReceived, supporter, null,
            new TransferReceivedData(transferId, Guid.NewGuid(), "VIP balcony", "The Testers Live", new DateTimeOffset(2031, 6, 13, 18, 30, 0, TimeSpan.Zero), "Robin"));

    private async Task<string> DeviceAsync(Guid supporter, PushPlatform platform = PushPlatform.Android)
    {
        var token = $"fcm-{Guid.NewGuid():N}:APA91b";
        Assert.True((await fixture.Cluster.Client.GetGrain<IPushDevicesGrain>(supporter).Register(token, platform)).Created);
        return token;
    }

    [Fact]
    public async Task A_push_reaches_every_device_with_a_bearer_token_from_the_service_account_and_the_email_goes_too()
    {
        var (supporter, email) = await fixture.SupporterAsync(push: true);
        var (phone, browser) = (await DeviceAsync(supporter), await DeviceAsync(supporter, PushPlatform.Web));
        var (key, transferId) = (NotificationFixture.Key("transfer-received"), Guid.NewGuid());
        var settled = NotificationProbe.WhenFinished(key);

        await fixture.Outbox().EnqueueAsync(Received(key, supporter, transferId));

        var pushed = await fixture.Fcm.NextAsync(phone);
        Assert.Equal("You have been sent a ticket", pushed.Title);
        Assert.Equal("Robin sent you VIP balcony for The Testers Live.", pushed.Body);
        Assert.Equal(transferId.ToString(), pushed.Data["transferId"]);
        Assert.Equal($"http://127.0.0.1:5080/transfers/{transferId}", pushed.Data["link"]);
        Assert.StartsWith("ya29.fake-", pushed.AccessToken);
        await fixture.Fcm.NextAsync(browser);
        await fixture.Mail.NextAsync(email);
        var outcome = await settled.Within();
        Assert.Equal(NotificationOutcome.Sent, outcome.Outcome);
        Assert.Equal("e-mail sent, push to 2 device(s) sent", outcome.Detail);
        Assert.Empty(fixture.Fcm.Refusals);
        Assert.Equal(new[] { phone, browser }.Order(), (await fixture.RowAsync(key)).PushedTo.Order());
    }

    [Fact]
    public async Task A_device_fcm_calls_unregistered_is_forgotten_and_the_others_still_get_the_push()
    {
        var (supporter, _) = await fixture.SupporterAsync(email: false, push: true);
        var (gone, live) = (await DeviceAsync(supporter), await DeviceAsync(supporter));
        fixture.Fcm.MarkDead(gone);
        var key = NotificationFixture.Key("transfer-received");
        var settled = NotificationProbe.WhenFinished(key);

        await fixture.Outbox().EnqueueAsync(Received(key, supporter, Guid.NewGuid()));

        await fixture.Fcm.NextAsync(live);
        var outcome = await settled.Within();
        Assert.Equal(NotificationOutcome.Sent, outcome.Outcome);
        Assert.Contains("1 device(s) gone and forgotten", outcome.Detail);
        var devices = await fixture.Cluster.Client.GetGrain<IPushDevicesGrain>(supporter).List();
        Assert.Equal([live], devices.Select(d => d.Token));
        Assert.Equal(0, fixture.Fcm.ReceivedCount(gone));
        Assert.Equal(0, (await fixture.RowAsync(key)).Attempts);
    }

    [Fact]
    public async Task Quiet_hours_hold_the_push_back_but_not_the_email_until_they_end()
    {
        var now = fixture.Cluster.Clock.GetUtcNow();
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var quietEnd = minute.AddHours(2);
        var quiet = new QuietHours(TimeOnly.FromDateTime(minute.AddHours(-1).UtcDateTime), TimeOnly.FromDateTime(quietEnd.UtcDateTime), "UTC");
        var (supporter, email) = await fixture.SupporterAsync(push: true, quiet: quiet);
        var phone = await DeviceAsync(supporter);
        var key = NotificationFixture.Key("transfer-received");
        var deferred = NotificationProbe.WhenDeferred(key);
        var settled = NotificationProbe.WhenFinished(key);

        await fixture.Outbox().EnqueueAsync(Received(key, supporter, Guid.NewGuid()));

        await fixture.Mail.NextAsync(email);
        Assert.Contains("quiet hours", await deferred.Within());
        var waiting = await fixture.RowAsync(key);
        Assert.True(waiting.EmailSent);
        Assert.Null(waiting.Outcome);
        Assert.Equal(0, fixture.Fcm.ReceivedCount(phone));
        Assert.Equal(quietEnd, waiting.NotBefore);

        fixture.Cluster.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));

        await fixture.Fcm.NextAsync(phone);
        Assert.Equal(NotificationOutcome.Sent, (await settled.Within()).Outcome);
        Assert.Equal(1, fixture.Mail.ReceivedCount(email));
        Assert.Equal(1, fixture.Fcm.ReceivedCount(phone));
    }

    [Fact]
    public async Task Fcm_unavailable_is_retried_and_each_device_gets_the_push_once()
    {
        var (supporter, email) = await fixture.SupporterAsync(push: true);
        var phone = await DeviceAsync(supporter);
        var key = NotificationFixture.Key("transfer-received");
        var settled = NotificationProbe.WhenFinished(key);
        fixture.Fcm.Unavailable = true;
        try
        {
            await fixture.Outbox().EnqueueAsync(Received(key, supporter, Guid.NewGuid()));
            await NotificationProbe.WhenFailed(key, 2).Within();
            Assert.Contains("503", (await fixture.RowAsync(key)).LastError);
        }
        finally
        {
            fixture.Fcm.Unavailable = false;
        }

        await fixture.Fcm.NextAsync(phone);
        Assert.Equal(NotificationOutcome.Sent, (await settled.Within()).Outcome);
        Assert.Equal(1, fixture.Fcm.ReceivedCount(phone));
        // The e-mail went out on the first attempt and was not repeated by the retries.
        Assert.Equal(1, fixture.Mail.ReceivedCount(email));
    }

    [Fact]
    public async Task Push_switched_off_in_preferences_sends_email_only()
    {
        var (supporter, email) = await fixture.SupporterAsync(push: false);
        var phone = await DeviceAsync(supporter);
        var key = NotificationFixture.Key("transfer-received");
        var settled = NotificationProbe.WhenFinished(key);

        await fixture.Outbox().EnqueueAsync(Received(key, supporter, Guid.NewGuid()));

        await fixture.Mail.NextAsync(email);
        var outcome = await settled.Within();
        Assert.Equal("e-mail sent, push off", outcome.Detail);
        Assert.Equal(0, fixture.Fcm.ReceivedCount(phone));
    }
}
