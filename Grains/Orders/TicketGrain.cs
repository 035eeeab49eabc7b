using System.Security.Cryptography;
using Supporter.Grains.Infrastructure;
using Supporter.Orders;

namespace Supporter.Grains.Orders;

[GenerateSerializer, Alias("orders.ticket-state.v1")]
public sealed class TicketState
{
    [Id(0)] public TicketIssue? Issue { get; set; }
    [Id(1)] public Guid HolderId { get; set; }
    [Id(2)] public TicketStatus Status { get; set; }
    /// <summary>The secret in the ticket's QR code; a new one replaces it when the ticket changes hands.</summary>
    [Id(3)] public string Credential { get; set; } = "";
    [Id(4)] public DateTimeOffset IssuedAt { get; set; }
    [Id(5)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(6)] public long Version { get; set; }
}

/// <summary>
/// A ticket. Minting stores the ticket and then copies it to <c>tickets</c>; the order that mints it waits for both
/// and mints again (the same ticket, by id) if either failed, so the copy needs no reminder of its own.
/// </summary>
public sealed class TicketGrain(
    [PersistentState("ticket", StorageNames.Domain)] IPersistentState<TicketState> state,
    IOrderStore store,
    DomainClock clock) : Grain, ITicketGrain
{
    private TicketState State => state.State;

    public async Task<TicketView> Mint(TicketIssue issue)
    {
        if (State.Issue is { } earlier)
        {
            if (earlier != issue)
                throw new InvalidOperationException($"Ticket {this.GetPrimaryKey()} was minted for another order line.");
        }
        else
        {
            var now = clock.UtcNow;
            State.Issue = issue;
            State.HolderId = issue.HolderId;
            State.Status = TicketStatus.Issued;
            State.Credential = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
            State.IssuedAt = now;
            State.UpdatedAt = now;
            State.Version = 1;
            await this.WriteOrReloadAsync(state, "The ticket");
        }
        // Copied on every mint: the copy is guarded by version, and a mint is repeated only after a failure.
        var view = View();
        await store.UpsertTicketAsync(view);
        return view;
    }

    public Task<TicketView?> Get() => Task.FromResult(State.Issue is null ? null : View());

    private TicketView View() =>
        new(this.GetPrimaryKey(), State.Issue!, State.HolderId, State.Status, State.IssuedAt, State.UpdatedAt, State.Version);
}
