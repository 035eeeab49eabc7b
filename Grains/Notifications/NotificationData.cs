using System.Text.Json;
using System.Text.Json.Serialization;

namespace Supporter.Grains.Notifications;

/// <summary>
/// What a template needs to render, captured when the message is enqueued (so it says what was true then: a ticket
/// transferred since is still named in its purchase confirmation). Stored as jsonb; the discriminator is stable.
/// Money is in minor units of its currency.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(PurchaseConfirmedData), "purchase-confirmed")]
[JsonDerivedType(typeof(ShowReminderData), "show-reminder")]
[JsonDerivedType(typeof(TransferSentData), "transfer-sent")]
[JsonDerivedType(typeof(TransferReceivedData), "transfer-received")]
[JsonDerivedType(typeof(TransferAcceptedData), "transfer-accepted")]
[JsonDerivedType(typeof(RefundIssuedData), "refund-issued")]
public abstract record NotificationData
{
    [JsonIgnore]
    public abstract NotificationTemplate Template { get; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(NotificationData data) => JsonSerializer.Serialize(data, Json);

    public static NotificationData Deserialize(string json) =>
        JsonSerializer.Deserialize<NotificationData>(json, Json) ?? throw new JsonException("A notification's data is null.");
}

public sealed record TicketSummary(Guid TicketId, string Name, string EventTitle, DateTimeOffset StartsAt, string VenueName);

/// <summary>To the buyer, once the order is paid and its tickets are minted.</summary>
public sealed record PurchaseConfirmedData(Guid OrderId, string Currency, long TotalMinor, IReadOnlyList<TicketSummary> Tickets) : NotificationData
{
    public override NotificationTemplate Template => NotificationTemplate.PurchaseConfirmed;
}

/// <summary>To a ticket holder the day before; skipped at send time if they no longer hold a ticket for it.</summary>
public sealed record ShowReminderData(Guid ShowtimeId, string EventTitle, DateTimeOffset StartsAt, string VenueName) : NotificationData
{
    public override NotificationTemplate Template => NotificationTemplate.ShowReminder;
}

/// <summary>To the sender of a transfer.</summary>
public sealed record TransferSentData(Guid TransferId, Guid TicketId, string TicketName, string EventTitle, DateTimeOffset StartsAt, string Recipient)
    : NotificationData
{
    public override NotificationTemplate Template => NotificationTemplate.TransferSent;
}

/// <summary>To the recipient of a transfer, with the link where it is accepted.</summary>
public sealed record TransferReceivedData(Guid TransferId, Guid TicketId, string TicketName, string EventTitle, DateTimeOffset StartsAt, string SenderName)
    : NotificationData
{
    public override NotificationTemplate Template => NotificationTemplate.TransferReceived;
}

/// <summary>To the sender, once the recipient accepted.</summary>
public sealed record TransferAcceptedData(Guid TransferId, Guid TicketId, string TicketName, string EventTitle, string Recipient) : NotificationData
{
    public override NotificationTemplate Template => NotificationTemplate.TransferAccepted;
}

/// <summary>To the buyer, once the provider accepted the refund.</summary>
public sealed record RefundIssuedData(Guid OrderId, Guid RefundId, string Currency, long AmountMinor, int TicketCount, string? Reason) : NotificationData
{
    public override NotificationTemplate Template => NotificationTemplate.RefundIssued;
}
