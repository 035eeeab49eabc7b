using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Supporter.Inventory;
using Supporter.ScannerHub.Capacity;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Capacity;

[Collection(ApiCollection.Name)]
public sealed class CapacityFeedTests(ApiFixture api)
{
    private HubConnection Connect()
    {
        var server = api.Hub.Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, CapacityHub.Path), options =>
            {
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
            })
            .Build();
    }

    [Fact]
    public async Task A_client_joined_to_a_showtime_gets_a_snapshot_then_sees_each_change()
    {
        var showtime = await api.CreateShowtimeAsync(ga: 90, vip: 10);
        await using var connection = Connect();
        var updates = Channel.CreateUnbounded<TicketTypeCapacity>();
        connection.On<TicketTypeCapacity>(nameof(ICapacityClient.Capacity), figures => updates.Writer.TryWrite(figures));
        await connection.StartAsync();

        var snapshot = await connection.InvokeAsync<CapacitySnapshot>(nameof(CapacityHub.JoinShowtime), showtime.ToString());

        Assert.Equal(100, snapshot.Capacity);
        Assert.Equal([("GA", 90), ("VIP", 10)], snapshot.TicketTypes.Select(t => (t.Code, t.Remaining)));

        var pool = api.Cluster.Client.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtime, "VIP"));
        var hold = Assert.IsType<Reserved>(await pool.TryReserve("r1", "fan", 2));
        var afterHold = await NextFor("VIP", updates.Reader, f => f.Held == 2);
        Assert.Equal((10, 2, 0, 8), (afterHold.Capacity, afterHold.Held, afterHold.Sold, afterHold.Remaining));

        Assert.Equal(SecureOutcome.Sold, (await pool.Sell(hold, "fan")).Outcome);
        var afterSale = await NextFor("VIP", updates.Reader, f => f.Sold == 2);
        Assert.Equal((0, 8), (afterSale.Held, afterSale.Remaining));
        Assert.True(afterSale.Version > afterHold.Version);
    }

    [Fact]
    public async Task An_organisers_capacity_change_reaches_the_live_feed()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var (eventId, showtime) = await Infrastructure.Catalogue.EventAsync(venue);
        await using var connection = Connect();
        var updates = Channel.CreateUnbounded<TicketTypeCapacity>();
        connection.On<TicketTypeCapacity>(nameof(ICapacityClient.Capacity), figures => updates.Writer.TryWrite(figures));
        await connection.StartAsync();
        var snapshot = await connection.InvokeAsync<CapacitySnapshot>(nameof(CapacityHub.JoinShowtime), showtime.ToString());
        Assert.Equal(90, snapshot.TicketTypes.Single(t => t.Code == "GA").Capacity);

        // The venue holds back 20 GA places for production.
        await Infrastructure.Catalogue.Ok(await venue.Client.PutAsJsonAsync($"/api/events/{eventId}/showtimes/{showtime}",
            Infrastructure.Catalogue.ShowtimeBody(capacity: 100, ga: 70, vip: 10)));

        var changed = await NextFor("GA", updates.Reader, f => f.Capacity == 70);
        Assert.Equal((0, 0, 70), (changed.Held, changed.Sold, changed.Remaining));
    }

    /// <summary>Reads updates until one for <paramref name="code"/> matches; the signal is the message itself.</summary>
    private static async Task<TicketTypeCapacity> NextFor(string code, ChannelReader<TicketTypeCapacity> reader, Func<TicketTypeCapacity, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var figures in reader.ReadAllAsync(timeout.Token))
        {
            if (figures.Code == code && match(figures))
                return figures;
        }
        throw new InvalidOperationException("The feed ended.");
    }
}
