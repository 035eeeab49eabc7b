using Microsoft.AspNetCore.Http.HttpResults;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// The one idempotency convention of this API. A command whose retry would otherwise repeat an effect (create
/// something, move money or tickets, send a first e-mail) is marked <see cref="RequireIdempotencyKey"/>: it needs an
/// <c>Idempotency-Key</c> header, the grain stores the key with the change, a retry with it gets the first answer
/// and no second effect, and the key sent with a different request is refused (422, <see cref="Reused"/>).
/// Keyed: placing an order, refunding (supporter and support), offering a ticket transfer, taking a hold and
/// registering (the last two also accept the older <c>X-Request-Id</c>, with the same meaning).
/// <para>
/// Not keyed, because a repeat changes nothing: every PUT sets a named resource to the state sent (events, tours,
/// showtimes, venues, organisations and members, presale, entitlements, profile, preferences, push devices), PATCH
/// profile sets the fields sent, every DELETE removes a named thing (a second call finds it gone), and the POSTs
/// that move a named thing to a named state (publish, postpone or cancel an event; cancel, accept or decline a
/// transfer; link a provider account; a referral, which is recorded once) answer the same when it is there already.
/// Sign-in, refresh, sign-out, e-mail confirmation and password reset carry their own one-time token or make a fresh
/// session or e-mail on purpose (the newest token replaces the one before); a ticket check changes nothing; Stripe's
/// webhook is keyed by the event id Stripe sends.
/// </para>
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";

    /// <summary>The header holds and registration took before there was one convention; still accepted there.</summary>
    public const string RequestIdHeader = "X-Request-Id";

    public const int MaxLength = IdempotencyKeys.MaxLength;

    public const string ReusedType = "/problems/idempotency-key-reused";

    public static readonly string Rule =
        $"An {Header} header of 1 to {MaxLength} visible ASCII characters (no spaces) makes the request safe to retry: a retry with the same key has no second effect.";

    /// <summary>
    /// Requires an idempotency key before the handler runs (a 400 naming the header otherwise), declares the header
    /// and the answers it adds for the OpenAPI document, and lets the handler take it as an <see cref="IdempotencyKey"/>.
    /// </summary>
    public static RouteHandlerBuilder RequireIdempotencyKey(this RouteHandlerBuilder endpoint, bool acceptsRequestId = false) => endpoint
        .WithMetadata(new IdempotencyKeyMetadata(acceptsRequestId))
        .AddEndpointFilter(async (context, next) =>
            TryRead(context.HttpContext.Request, acceptsRequestId, out _, out var problem) ? await next(context) : problem)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>The key was used before for a different request: one answer for every keyed command.</summary>
    public static ProblemHttpResult Reused(string? detail) => TypedResults.Problem(
        title: "Idempotency key reused",
        detail: detail ?? $"This {Header} was already used for a different request; send a new key for a new request.",
        statusCode: StatusCodes.Status422UnprocessableEntity,
        type: ReusedType,
        extensions: new Dictionary<string, object?> { ["field"] = Header });

    internal static bool TryRead(HttpRequest request, bool acceptsRequestId, out string key, out ValidationProblem problem)
    {
        problem = null!;
        key = "";
        var keys = request.Headers[Header];
        var requestIds = acceptsRequestId ? request.Headers[RequestIdHeader] : default;
        if (keys.Count > 1 || requestIds.Count > 1)
        {
            problem = Problems.Invalid(keys.Count > 1 ? Header : RequestIdHeader, "Send the header once.");
            return false;
        }
        if (keys.Count == 1 && requestIds.Count == 1 && keys[0] != requestIds[0])
        {
            problem = Problems.Invalid(Header, $"{Header} and {RequestIdHeader} name the same thing; send one, or the same value in both.");
            return false;
        }
        var (name, value) = keys.Count == 1 ? (Header, keys[0]) : (requestIds.Count == 1 ? RequestIdHeader : Header, requestIds.ToString());
        if (!IdempotencyKeys.IsWellFormed(value))
        {
            problem = Problems.Invalid(name, Rule);
            return false;
        }
        key = value!;
        return true;
    }
}

/// <summary>Marks an endpoint as keyed; the OpenAPI document reads it to declare the header.</summary>
public sealed record IdempotencyKeyMetadata(bool AcceptsRequestId);

/// <summary>
/// The idempotency key of a request to an endpoint marked <see cref="Idempotency.RequireIdempotencyKey"/>, read from
/// <c>Idempotency-Key</c> (or <c>X-Request-Id</c> where that is accepted).
/// </summary>
public sealed record IdempotencyKey(string Value)
{
    public static ValueTask<IdempotencyKey?> BindAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata.GetMetadata<IdempotencyKeyMetadata>()
            ?? throw new InvalidOperationException($"An endpoint that takes an {nameof(IdempotencyKey)} must be marked {nameof(Idempotency.RequireIdempotencyKey)}().");
        // Binding runs before the endpoint filter: a malformed key binds to nothing usable, and the filter answers
        // the 400 before the handler could see it.
        return ValueTask.FromResult<IdempotencyKey?>(
            new(Idempotency.TryRead(context.Request, metadata.AcceptsRequestId, out var key, out _) ? key : ""));
    }

    public override string ToString() => Value;
}
