using Supporter.Audit;
using Supporter.Grains.Notifications;
using Supporter.Identity;
using Supporter.Orders;
using Supporter.Showtimes;
using Supporter.Tickets;
using Supporter.Grains.Orders;

namespace Supporter.Grains.Tickets;

// Passing a ticket on: the holder offers it, the recipient accepts or declines, the holder may withdraw it first.
// Accepting changes the holder and the credential in one stored change, so the old QR code stops working at once.
public sealed partial class TicketGrain
{
    /// <summary>Offers per ticket, so a ticket cannot be offered and withdrawn without end.</summary>
    public const int MaxTransfers = 20;

    public async Task<TicketChangeResult> OfferTransfer(OfferTransfer command)
    {
        if (State.Issue is null)
            return new TicketChangeResult(TicketChangeOutcome.NotFound, null, Detail: $"There is no ticket {TicketId}.");
        var transferId = command.TransferId(TicketId);
        if (State.Transfers.Find(t => t.TransferId == transferId) is { } earlier)
        {
            return SameRecipient(earlier, command)
                ? new TicketChangeResult(TicketChangeOutcome.Done, View(), earlier)
                : new TicketChangeResult(TicketChangeOutcome.KeyReused, View(), Detail: "This idempotency key was used for a different transfer.");
        }
        if (command.FromSupporterId != State.HolderId)
            return new TicketChangeResult(TicketChangeOutcome.NotFound, null, Detail: $"There is no ticket {TicketId}.");
        if (!IsLive)
            return new TicketChangeResult(TicketChangeOutcome.Conflict, View(), Detail: $"A {State.Status.Name()} ticket cannot be transferred.");
        if (View().PendingTransfer is { } pending)
        {
            return new TicketChangeResult(TicketChangeOutcome.Conflict, View(), pending,
                "A transfer of this ticket is waiting for its recipient; cancel it before offering the ticket again.");
        }
        if (State.Transfers.Count >= MaxTransfers)
            return new TicketChangeResult(TicketChangeOutcome.NotAllowed, View(), Detail: "This ticket has been offered too many times.");
        if (await TransfersClosedAsync() is { } closed)
            return new TicketChangeResult(TicketChangeOutcome.NotAllowed, View(), Detail: closed);

        var recipient = command.ToSupporterId;
        var email = command.ToEmail is { } address ? EmailAddresses.Normalize(address) : null;
        if (recipient is { } supporterId)
        {
            if (await GrainFactory.GetGrain<IAccountGrain>(supporterId).GetProfile() is null)
                return new TicketChangeResult(TicketChangeOutcome.Invalid, View(), Detail: $"There is no supporter {supporterId}.", Field: "supporterId");
        }
        else if (email is not null)
        {
            // An address that has an account goes to that supporter; any other waits for whoever signs up with it.
            recipient = await GrainFactory.GetGrain<IEmailLoginGrain>(email).FindAccount();
        }
        if (recipient == State.HolderId)
            return new TicketChangeResult(TicketChangeOutcome.Invalid, View(), Detail: "The ticket is yours already.", Field: email is null ? "supporterId" : "email");

        var now = _clock.UtcNow;
        var transfer = new TransferView(transferId, TicketId, State.HolderId, recipient, email, TransferStatus.Pending, now, null, null, now, 1);
        State.Transfers.Add(transfer);
        AuditTransfer(AuditActions.TransferOffered, transfer, transfer.FromSupporterId);
        await SaveAsync();
        return new TicketChangeResult(TicketChangeOutcome.Done, View(), transfer);
    }

    public async Task<TicketChangeResult> CancelTransfer(Guid transferId, Guid senderId)
    {
        var index = State.Transfers.FindIndex(t => t.TransferId == transferId);
        if (index < 0 || State.Transfers[index].FromSupporterId != senderId)
            return new TicketChangeResult(TicketChangeOutcome.NotFound, null, Detail: $"You offered no transfer {transferId}.");
        var transfer = State.Transfers[index];
        if (transfer.Status == TransferStatus.Cancelled)
            return new TicketChangeResult(TicketChangeOutcome.Done, View(), transfer);
        if (transfer.Status != TransferStatus.Pending)
            return new TicketChangeResult(TicketChangeOutcome.Conflict, View(), transfer, $"The transfer is {transfer.Status.Name()} already.");
        transfer = Answered(index, TransferStatus.Cancelled, null);
        AuditTransfer(AuditActions.TransferCancelled, transfer, senderId);
        await SaveAsync();
        return new TicketChangeResult(TicketChangeOutcome.Done, View(), transfer);
    }

    public async Task<TicketChangeResult> AnswerTransfer(TransferAnswer answer)
    {
        var index = State.Transfers.FindIndex(t => t.TransferId == answer.TransferId);
        if (index < 0 || !State.Transfers[index].IsFor(answer.RecipientId, answer.RecipientEmail))
            return new TicketChangeResult(TicketChangeOutcome.NotFound, null, Detail: $"No transfer {answer.TransferId} is waiting for you.");
        var transfer = State.Transfers[index];
        var wanted = answer.Accept ? TransferStatus.Accepted : TransferStatus.Declined;
        if (transfer.Status == wanted && (!answer.Accept || transfer.AcceptedBy == answer.RecipientId))
            return new TicketChangeResult(TicketChangeOutcome.Done, answer.Accept ? View() : null, transfer);
        if (transfer.Status != TransferStatus.Pending)
            return new TicketChangeResult(TicketChangeOutcome.Conflict, null, transfer, $"The transfer is {transfer.Status.Name()}.");
        if (answer.Accept && await TransfersClosedAsync() is { } closed)
            return new TicketChangeResult(TicketChangeOutcome.NotAllowed, null, transfer, closed);

        transfer = Answered(index, wanted, answer.Accept ? answer.RecipientId : null);
        AuditTransfer(answer.Accept ? AuditActions.TransferAccepted : AuditActions.TransferDeclined, transfer, answer.RecipientId);
        if (answer.Accept)
        {
            State.HolderId = answer.RecipientId;
            State.Status = TicketStatus.Transferred;
            State.Credential = NewCredential();
            // The old QR code stops working with this write.
            Audit(AuditActions.CredentialRotated, $"{TicketId:N}:{transfer.TransferId:N}", AuditContext.ActorFor(answer.RecipientId, false, UserTypes.Supporter),
                ("reason", "transfer-accepted"), ("transferId", transfer.TransferId), ("holderId", answer.RecipientId));
        }
        await SaveAsync();
        return new TicketChangeResult(TicketChangeOutcome.Done, answer.Accept ? View() : null, transfer);
    }

    /// <summary>Why transfers are closed for this ticket's showtime, or null while they are open.</summary>
    private async Task<string?> TransfersClosedAsync()
    {
        var showtime = await GrainFactory.GetGrain<IShowtimeGrain>(State.Issue!.ShowtimeId).GetDefinition();
        if (showtime is null)
            return "The showtime of this ticket no longer exists.";
        if (showtime.EffectivePolicy.TransfersUntil(showtime.StartsAt) is not { } until)
            return "Tickets for this show cannot be transferred.";
        return _clock.UtcNow >= until ? $"Transfers for this show closed at {until:u}." : null;
    }

    /// <summary>Ends the pending transfer, if there is one, with <paramref name="status"/>; answers it as it ended.</summary>
    private TransferView? ClosePending(TransferStatus status)
    {
        var index = State.Transfers.FindIndex(t => t.Status == TransferStatus.Pending);
        return index >= 0 ? Answered(index, status, null) : null;
    }

    /// <summary>A transfer's step, by the supporter who took it (the sender offers and cancels, the recipient answers).</summary>
    private void AuditTransfer(string action, TransferView transfer, Guid by) =>
        Audit(action, $"{transfer.TransferId:N}", AuditContext.ActorFor(by, false, UserTypes.Supporter),
            ("transferId", transfer.TransferId), ("fromSupporterId", transfer.FromSupporterId), ("toSupporterId", transfer.ToSupporterId),
            ("byEmail", transfer.ToEmail is not null));

    private TransferView Answered(int index, TransferStatus status, Guid? acceptedBy)
    {
        var now = _clock.UtcNow;
        var transfer = State.Transfers[index] with
        {
            Status = status,
            AnsweredAt = now,
            AcceptedBy = acceptedBy,
            UpdatedAt = now,
            Version = State.Transfers[index].Version + 1,
        };
        State.Transfers[index] = transfer;
        return transfer;
    }

    private static bool SameRecipient(TransferView transfer, OfferTransfer command) =>
        command.ToSupporterId is { } supporter
            ? transfer.ToSupporterId == supporter && transfer.ToEmail is null
            : transfer.ToEmail == (command.ToEmail is { } email ? EmailAddresses.Normalize(email) : null);

    /// <summary>Transfers whose latest status nobody was told about yet.</summary>
    private List<TransferView> Unannounced() =>
        [.. State.Transfers.Where(t => t.Status is TransferStatus.Pending or TransferStatus.Accepted
            && (!State.Announced.TryGetValue(t.TransferId, out var told) || told != t.Status))];

    /// <summary>
    /// A pending transfer: the sender's receipt and the recipient's invitation. An accepted one: the sender hears so,
    /// and the new holder gets the show's reminder. Keys name the message, so repeating this sends nothing twice.
    /// </summary>
    private async Task AnnounceTransfersAsync()
    {
        var unannounced = Unannounced();
        if (unannounced.Count == 0)
            return;
        var issue = State.Issue!;
        var show = await ShowInfo.ForAsync(GrainFactory, issue.ShowtimeId);
        foreach (var transfer in unannounced)
        {
            var sender = await NameOfAsync(transfer.FromSupporterId);
            var recipient = transfer.ToEmail ?? await NameOfAsync(transfer.ToSupporterId!.Value);
            var key = $"transfer-{transfer.TransferId:N}";
            await _notifications.EnqueueAsync(new OutboundNotification($"{key}-sent", NotificationTemplate.TransferSent, transfer.FromSupporterId, null,
                new TransferSentData(transfer.TransferId, TicketId, issue.Name, show.Title, show.StartsAt, recipient)));
            await _notifications.EnqueueAsync(new OutboundNotification($"{key}-received", NotificationTemplate.TransferReceived,
                transfer.ToSupporterId, transfer.ToSupporterId is null ? transfer.ToEmail : null,
                new TransferReceivedData(transfer.TransferId, TicketId, issue.Name, show.Title, show.StartsAt, sender)));
            if (transfer.Status == TransferStatus.Accepted)
            {
                await _notifications.EnqueueAsync(new OutboundNotification($"{key}-accepted", NotificationTemplate.TransferAccepted,
                    transfer.FromSupporterId, null, new TransferAcceptedData(transfer.TransferId, TicketId, issue.Name, show.Title, recipient)));
                await _notifications.EnqueueAsync(show.Reminder(transfer.AcceptedBy!.Value));
            }
            State.Announced[transfer.TransferId] = transfer.Status;
        }
    }

    private async Task<string> NameOfAsync(Guid supporterId) =>
        (await GrainFactory.GetGrain<IAccountGrain>(supporterId).GetProfile())?.Details.DisplayName is { Length: > 0 } name ? name : "A supporter";
}
