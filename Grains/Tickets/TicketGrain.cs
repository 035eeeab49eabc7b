using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Grains.Catalogue;
using Supporter.Grains.Infrastructure;
using Supporter.Grains.Notifications;
using Supporter.Orders;
using Supporter.Grains.Orders;
using Supporter.Tickets;

namespace Supporter.Grains.Tickets;

[GenerateSerializer, Alias("orders.ticket-state.v1")]
public sealed class TicketState : IAuditedState
{
    [Id(0)] public TicketIssue? Issue { get; set; }
    [Id(1)] public Guid HolderId { get; set; }
    [Id(2)] public TicketStatus Status { get; set; }
    /// <summary>The secret in the ticket's QR code; a new one replaces it when the ticket changes hands.</summary>
    [Id(3)] public string Credential { get; set; } = "";
    [Id(4)] public DateTimeOffset IssuedAt { get; set; }
    [Id(5)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(6)] public long Version { get; set; }
    /// <summary>What refunded or revoked the ticket, so the same request again is recognised.</summary>
    [Id(7)] public string? VoidId { get; set; }
    /// <summary>Every transfer offered, oldest first; at most one is pending.</summary>
    [Id(8)] public List<TransferView> Transfers { get; set; } = [];
    /// <summary>
    /// Equal to <see cref="Version"/> in every state stored since the relational copy commits with the state; lower
    /// only in state stored before, whose copy may lag (the ticket's old catalogue-sync reminder then writes once more).
    /// </summary>
    [Id(9)] public long CopiedVersion { get; set; }
    /// <summary>The status of each transfer the people involved have been told about (through the outbox).</summary>
    [Id(10)] public Dictionary<Guid, TransferStatus> Announced { get; set; } = [];
    /// <summary>Audit entries stored with the change they record, until they are in the audit log.</summary>
    [Id(11)] public List<AuditEntry> PendingAudit { get; set; } = [];
}

/// <summary>
/// A ticket. Every write stores the ticket's state and its <c>tickets</c> and <c>ticket_transfers</c> rows in one
/// transaction (<see cref="TicketCopy"/>); the order that mints it mints again (the same ticket, by id) if that
/// failed. Telling people about a transfer happens after the write, with a reminder armed first that repeats it.
/// </summary>
[GrainType("ticket")]
public sealed partial class TicketGrain : Grain, ITicketGrain, IRemindable
{
    private readonly IPersistentState<TicketState> _state;
    private readonly DomainClock _clock;
    private readonly CatalogueSync _sync;
    private readonly INotificationOutbox _notifications;
    private readonly AuditTrail _audit;

    public TicketGrain(
        [PersistentState("ticket", StorageNames.Domain)] IPersistentState<TicketState> state,
        DomainClock clock,
        IOptions<CatalogueOptions> catalogue,
        INotificationOutbox notifications,
        AuditTrails audit,
        ILogger<TicketGrain> logger)
    {
        _notifications = notifications;
        _state = state;
        _clock = clock;
        _sync = new CatalogueSync(this, catalogue.Value.SyncRetryPeriod, logger);
        _audit = audit.For(this, () => _state.State.PendingAudit);
    }

    private TicketState State => _state.State;
    private Guid TicketId => this.GetPrimaryKey();

    /// <summary>Entries stored with a change whose silo died before appending them are appended now.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => _audit.FlushAsync();

    public async Task<TicketView> Mint(TicketIssue issue)
    {
        if (State.Issue is { } earlier)
        {
            if (earlier != issue)
                throw new InvalidOperationException($"Ticket {TicketId} was minted for another order line.");
            // A mint is repeated only after a failure. State stored before the copy rode with it may lack its row.
            if (State.CopiedVersion == State.Version)
                return View();
            State.CopiedVersion = State.Version;
        }
        else
        {
            var now = _clock.UtcNow;
            State.Issue = issue;
            State.HolderId = issue.HolderId;
            State.Status = TicketStatus.Issued;
            State.Credential = NewCredential();
            State.IssuedAt = now;
            State.UpdatedAt = now;
            State.Version = 1;
            State.CopiedVersion = 1;
            Audit(AuditActions.TicketMinted, $"{TicketId:N}",
                ("orderId", issue.OrderId), ("line", issue.Line), ("showtimeId", issue.ShowtimeId), ("code", issue.Code),
                ("kind", issue.IsTicket ? "ticket" : "add_on"), ("holderId", issue.HolderId));
        }
        // The order confirms only tickets its buyer can list: the row commits with this write, or neither does.
        await this.WriteOrReloadAsync(_state, "The ticket");
        await _audit.FlushAsync();
        return View();
    }

    public Task<TicketView?> Get() => Task.FromResult(State.Issue is null ? null : View());

    public async Task<TicketChangeResult> Void(VoidTicket command)
    {
        if (State.Issue is null)
            return new TicketChangeResult(TicketChangeOutcome.NotFound, null, Detail: $"There is no ticket {TicketId}.");
        if (State.VoidId == command.VoidId)
            return new TicketChangeResult(TicketChangeOutcome.Done, View());
        if (!IsLive)
            return new TicketChangeResult(TicketChangeOutcome.Conflict, View(), Detail: $"The ticket is {State.Status.Name()}.");
        if (command.ExpectedHolder is { } holder && holder != State.HolderId)
            return new TicketChangeResult(TicketChangeOutcome.Conflict, View(), Detail: "The ticket was passed on to someone else.");

        State.Status = command.Refunded ? TicketStatus.Refunded : TicketStatus.Revoked;
        State.VoidId = command.VoidId;
        var voidedTransfer = ClosePending(TransferStatus.Void);
        Audit(AuditActions.TicketVoided, $"{TicketId:N}:{command.VoidId}",
            ("status", State.Status.Name()), ("voidId", command.VoidId), ("holderId", State.HolderId), ("voidedTransferId", voidedTransfer?.TransferId));
        await SaveAsync();
        return new TicketChangeResult(TicketChangeOutcome.Done, View());
    }

    public Task<TicketCheck?> Verify(string credential)
    {
        if (State.Issue is not { } issue)
            return Task.FromResult<TicketCheck?>(null);
        var matches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(credential ?? ""), Encoding.UTF8.GetBytes(State.Credential));
        var reason = !matches ? "wrong-credential" : IsLive ? null : State.Status.Name();
        return Task.FromResult<TicketCheck?>(new TicketCheck(reason is null, State.Status, reason, issue));
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == AuditTrail.ReminderName)
        {
            await _audit.ReceiveReminderAsync();
            return;
        }
        if (reminderName != CatalogueSync.ReminderName)
            return;
        if (State.Issue is null)
            await _sync.DisarmAsync();
        else if (State.CopiedVersion != State.Version)
            await SaveAsync(); // stored before the copy rode with the state: this write copies it
        else if (Unannounced().Count > 0)
            await _sync.TryCopyAsync(AnnounceTransfersAsync);
        else
            await _sync.DisarmAsync();
    }

    private bool IsLive => State.Status is TicketStatus.Issued or TicketStatus.Transferred;

    /// <summary>
    /// Stores the change with its relational copy, then tells the people a transfer concerns; the reminder armed
    /// first repeats the telling until it succeeds.
    /// </summary>
    private async Task SaveAsync()
    {
        State.Version++;
        State.CopiedVersion = State.Version;
        State.UpdatedAt = _clock.UtcNow;
        var announcing = Unannounced().Count > 0;
        if (announcing)
            await _sync.ArmAsync();
        await this.WriteOrReloadAsync(_state, "The ticket");
        await _audit.FlushAsync();
        if (announcing)
            await _sync.TryCopyAsync(AnnounceTransfersAsync);
    }

    private TicketView View() => ViewOf(TicketId, State);

    /// <summary>The ticket as its holder sees it; also what its relational copy is made of.</summary>
    internal static TicketView ViewOf(Guid ticketId, TicketState state) =>
        new(ticketId, state.Issue!, state.HolderId, state.Status, state.IssuedAt, state.UpdatedAt, state.Version)
        {
            Credential = state.Credential,
            PendingTransfer = state.Transfers.LastOrDefault(t => t.Status == TransferStatus.Pending),
        };

    /// <summary>Records an entry about this ticket, for its venue, to be stored with the change being made.</summary>
    private void Audit(string action, string key, params (string, object?)[] detail) =>
        Audit(action, key, null, detail);

    private void Audit(string action, string key, AuditActor? actor, params (string, object?)[] detail) =>
        _audit.Record(action, key, AuditSubjects.Ticket, TicketId, State.Issue!.VenueId, detail, actor);

    private static string NewCredential() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
}
