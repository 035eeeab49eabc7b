using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.Api.Infrastructure;
using Supporter.Audit;
using Supporter.Identity;

namespace Supporter.Api.Audit;

/// <summary>The filters both audit endpoints take, as the query string has them (each checked, and named when wrong).</summary>
public sealed record AuditFilterRequest(
    string? SubjectType, string? SubjectId, string? ActorType, string? ActorId, string? Action, string? From, string? To, string? Limit, string? Cursor);

/// <summary>A checked audit query. Times are the entries' business times; <see cref="To"/> is exclusive.</summary>
public sealed record AuditQuery(
    Guid? VenueId, string? SubjectType, Guid? SubjectId, string? ActorType, Guid? ActorId, string? Action,
    DateTimeOffset? From, DateTimeOffset? To, int Limit, AuditReader.Cursor? After)
{
    private static readonly HashSet<string> ActorTypes =
        [.. Enum.GetValues<UserType>().Select(t => t.Name()), AuditActor.SystemType, AuditActor.StripeType];

    public static bool TryParse(AuditFilterRequest request, Guid? venueId, out AuditQuery query, out ValidationProblem problem)
    {
        var errors = new Dictionary<string, string[]>();
        string? Known(string? value, IReadOnlySet<string> known, string field)
        {
            if (value is null)
                return null;
            if (known.Contains(value))
                return value;
            errors[field] = [$"One of: {string.Join(", ", known.Order(StringComparer.Ordinal))}."];
            return null;
        }
        Guid? Id(string? value, string field)
        {
            if (value is null)
                return null;
            if (Ids.TryParse(value, out var id))
                return id;
            errors[field] = [$"'{field}' is not a valid id."];
            return null;
        }
        DateTimeOffset? Instant(string? value, string field)
        {
            if (value is null)
                return null;
            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
                return instant;
            errors[field] = ["An ISO 8601 time, e.g. 2026-05-01T18:00:00Z."];
            return null;
        }

        var subjectType = Known(request.SubjectType, AuditSubjects.All, "subjectType");
        var subjectId = Id(request.SubjectId, "subjectId");
        var actorType = Known(request.ActorType, ActorTypes, "actorType");
        var actorId = Id(request.ActorId, "actorId");
        var action = Known(request.Action, AuditActions.All, "action");
        var from = Instant(request.From, "from");
        var to = Instant(request.To, "to");
        if (from is not null && to is not null && to <= from)
            errors["to"] = ["'to' comes after 'from'."];
        var limit = AuditReader.DefaultLimit;
        if (request.Limit is not null && (!int.TryParse(request.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > AuditReader.MaxLimit))
            errors["limit"] = [$"A page has 1 to {AuditReader.MaxLimit} entries."];
        AuditReader.Cursor? after = null;
        if (request.Cursor is not null && !AuditReader.Cursor.TryDecode(request.Cursor, out after))
            errors["cursor"] = ["Pass back the nextCursor of the previous page."];

        query = new AuditQuery(venueId, subjectType, subjectId, actorType, actorId, action, from, to, limit, after);
        problem = Problems.Invalid(errors);
        return errors.Count == 0;
    }
}

/// <summary>One entry. <see cref="At"/> is when the change happened; <see cref="RecordedAt"/> when the entry reached the log.</summary>
public sealed record AuditEntryResponse(
    long Id, string Key, DateTimeOffset At, string ActorType, Guid? ActorId, string Action, string SubjectType, Guid SubjectId,
    Guid? VenueId, JsonElement Detail, string? TraceId, DateTimeOffset RecordedAt);

public sealed record AuditPage(IReadOnlyList<AuditEntryResponse> Items, string? NextCursor, int Limit);
