using System.Collections.Immutable;

namespace Supporter.Audit;

/// <summary>
/// One line of the audit log. <see cref="Key"/> is derived from the command's idempotency key (or the ids derived
/// from it), never random, so a retried command or a repeated append writes the entry once.
/// </summary>
[GenerateSerializer, Immutable, Alias("audit.entry")]
public sealed record AuditEntry(
    [property: Id(0)] string Key,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] AuditActor Actor,
    [property: Id(3)] string Action,
    [property: Id(4)] string SubjectType,
    [property: Id(5)] Guid SubjectId,
    [property: Id(6)] Guid? VenueId,
    [property: Id(7)] ImmutableSortedDictionary<string, string> Detail,
    [property: Id(8)] string? TraceId)
{
    public const int MaxKeyLength = 400;
}

/// <summary>Who made a change: a user (with their user type), or the platform itself (<c>system</c>) or Stripe.</summary>
[GenerateSerializer, Immutable, Alias("audit.actor")]
public sealed record AuditActor([property: Id(0)] string Type, [property: Id(1)] Guid? UserId)
{
    public const string SystemType = "system";
    public const string StripeType = "stripe";

    /// <summary>Reminders, sweepers and scheduled steps: nobody asked at that moment.</summary>
    public static AuditActor System { get; } = new(SystemType, null);

    /// <summary>A Stripe webhook event, or money moved in Stripe's dashboard.</summary>
    public static AuditActor Stripe { get; } = new(StripeType, null);

    /// <summary>A user, with their account's user type as tokens name it (<c>supporter</c>, <c>admin</c>, …).</summary>
    public static AuditActor User(Guid userId, string userType) => new(userType, userId);
}
