using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Supporter.Grains.Notifications;
using Supporter.Identity;
using Supporter.Silo.Hosting;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Notifications;

/// <summary>The explicit in-memory mode sends through the same dispatcher, once per key, with nothing durable behind it.</summary>
public sealed class InMemoryModeTests
{
    [Fact]
    public async Task An_in_memory_silo_sends_each_key_once_to_the_supporters_address()
    {
        await using var mail = FakeSmtpServer.Start();
        var builder = new TestClusterBuilder(1);
        builder.Options.ClusterId = $"memory-{Guid.NewGuid():N}";
        builder.Options.ServiceId = $"memory-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string?> { ["Stripe:SecretKey"] = "sk_test_not_used", ["Notifications:SweepPeriod"] = "00:00:00.250" };
        foreach (var (key, value) in mail.SiloSettings())
            settings[key] = value;
        builder.ConfigureHostConfiguration(host => host.AddInMemoryCollection(settings));
        builder.AddSiloBuilderConfigurator<InMemorySilo>();
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var supporter = Guid.NewGuid();
        var email = Accounts.UniqueEmail("memory");
        Assert.True(await cluster.Client.GetGrain<IAccountGrain>(supporter).Create(new NewAccount("r1", email, UserType.Supporter,
            new ProfileDetails("Memory Fan", "York", [], false, "en-GB"), null)));
        var outbox = cluster.GetSiloServiceProvider().GetRequiredService<INotificationOutbox>();
        var notification = new OutboundNotification(NotificationFixture.Key("refund-issued"), NotificationTemplate.RefundIssued, supporter, null,
            new RefundIssuedData(Guid.NewGuid(), Guid.NewGuid(), "EUR", 2500, 1, "Duplicate order"));

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => outbox.EnqueueAsync(notification)));
        var message = await mail.NextAsync(email);

        Assert.Equal("Refund of €25.00 for your order", message.Subject);
        // The same key once more after it was sent, then another message: the next e-mail is that other one.
        await outbox.EnqueueAsync(notification);
        await outbox.EnqueueAsync(notification with
        {
            Key = NotificationFixture.Key("refund-issued"),
            Data = new RefundIssuedData(Guid.NewGuid(), Guid.NewGuid(), "EUR", 100, 1, null),
        });
        Assert.Equal("Refund of €1.00 for your order", (await mail.NextAsync(email)).Subject);
        Assert.Equal(2, mail.ReceivedCount(email));
        await cluster.StopAllSilosAsync();
    }

    private sealed class InMemorySilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.UseSupporterInMemory();
    }
}
