using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.Api.Identity;
using Supporter.Api.Infrastructure;
using Supporter.Identity;
using Supporter.ServiceDefaults.Identity;

namespace Supporter.Api.LoadTesting;

/// <summary>
/// The admin-only way to get many real supporter accounts for a load test (tests/Supporter.LoadGen): registration
/// would send a confirmation e-mail per account and sign-in is rate limited per client. Each account is created
/// through the same e-mail grain as registration, with its address counted as confirmed (as the bootstrap admin's
/// is), and signed in with its password, so every token is one the API issued for a real session.
/// </summary>
public static class LoadTestSupportersApi
{
    public const int MaxCount = 500;
    public const string EmailDomain = "loadtest.supporter.local";

    // Sign-ins hash passwords; a few at a time keeps one call from taking every core of the silo.
    private const int Parallelism = 4;

    public static IEndpointRouteBuilder MapLoadTestSupportersApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/admin/load-test/supporters", CreateSupporters)
            .WithTags("Load testing (admins)")
            .RequireAuthorization(Policies.Admin)
            .RequireIdempotencyKey()
            .WithName("CreateLoadTestSupporters")
            .WithSummary($"Create (or sign in again) up to {MaxCount} confirmed supporter accounts <prefix>-<n>@{EmailDomain} with one password, and sign each in. The same {Idempotency.Header} gives the same accounts.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task<Results<Ok<LoadTestSupportersResponse>, ValidationProblem>> CreateSupporters(
        LoadTestSupportersRequest request, IdempotencyKey requestId, HttpContext http, IClusterClient cluster, AccessTokens tokens)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Count is < 1 or > MaxCount)
            errors["count"] = [$"Count must be between 1 and {MaxCount}."];
        if (request.EmailPrefix is not { Length: >= 1 and <= 40 } prefix || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            errors["emailPrefix"] = ["An e-mail prefix is 1 to 40 letters, digits or '-'."];
        else if (EmailAddresses.PasswordProblem(request.Password, Email(prefix, 0)) is { } problem)
            errors["password"] = [problem];
        if (errors.Count > 0)
            return Problems.Invalid(errors);

        var client = AuthApi.Client(http);
        var details = new ProfileDetails("Load test supporter", "", [], false, "en");
        var accounts = new LoadTestSupporter[request.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, request.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = http.RequestAborted },
            async (n, _) =>
            {
                var email = Email(request.EmailPrefix!, n);
                var login = cluster.GetGrain<IEmailLoginGrain>(EmailAddresses.Normalize(email));
                // The registration's own request id is derived from the key, so a retried call finds the same account.
                var registration = new Registration(RegistrationId(requestId.Value, n), email, request.Password!, UserType.Supporter,
                    details, null, client, EmailPreVerified: true);
                if (await login.Register(registration) is RegistrationInvalid invalid)
                {
                    accounts[n] = new LoadTestSupporter(email, null, $"registration refused: {string.Join(", ", invalid.Errors.Keys)}");
                    return;
                }
                accounts[n] = await login.SignIn(request.Password!, client) switch
                {
                    SignedIn signedIn => new LoadTestSupporter(email, AuthApi.Tokens(tokens, signedIn.Session)),
                    // The address belonged to an account with another password (an earlier run with other settings).
                    var other => new LoadTestSupporter(email, null, other.GetType().Name),
                };
            });
        return TypedResults.Ok(new LoadTestSupportersResponse(accounts));
    }

    private static string Email(string prefix, int n) => $"{prefix}-{n}@{EmailDomain}";

    // Registration ids are idempotency keys too: keep the derived one within their length.
    private static string RegistrationId(string key, int n)
    {
        var suffix = $"/{n}";
        return key.Length + suffix.Length <= IdempotencyKeys.MaxLength ? key + suffix : key[..(IdempotencyKeys.MaxLength - suffix.Length)] + suffix;
    }
}

public sealed record LoadTestSupportersRequest(int Count, string? EmailPrefix, string? Password);

/// <summary>One account: its tokens, or why it could not be signed in (for example, the address had another password).</summary>
public sealed record LoadTestSupporter(string Email, TokenResponse? Tokens, string? Problem = null);

public sealed record LoadTestSupportersResponse(IReadOnlyList<LoadTestSupporter> Supporters);
