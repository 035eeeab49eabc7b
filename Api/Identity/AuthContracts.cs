using Supporter.Identity;
using Supporter.Organisations;

namespace Supporter.Api.Identity;

public sealed record RegisterRequest(
    string? Email,
    string? Password,
    string? UserType,
    string? DisplayName,
    string? HomeCity,
    IReadOnlyList<string>? FavouriteGenres,
    bool? MarketingConsent,
    string? Locale,
    string? ReferrerCode)
{
    /// <summary>Also accepted under the snake_case name the registration flow's clients send.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("referrer_code")]
    public string? ReferrerCodeSnakeCase { get; init; }

    public string? AnyReferrerCode => ReferrerCode ?? ReferrerCodeSnakeCase;
}

/// <summary>What registration answers, whether or not the address already had an account.</summary>
public sealed record RegistrationResponse(string Status, string Detail);

public sealed record VerifyEmailRequest(string? Token);

public sealed record ResendVerificationRequest(string? Email);

public sealed record ResetPasswordRequest(string? Token, string? Password);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

/// <summary>What a successful sign-in returns: a short-lived access token and a rotating refresh token.</summary>
public sealed record TokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt,
    AccountResponse Account);

public sealed record AccountResponse(Guid Id, string Email, string UserType, IReadOnlyList<MembershipResponse> Memberships)
{
    public static AccountResponse From(AccountClaims claims) => new(
        claims.UserId, claims.Email, claims.Type.Name(), [.. claims.Memberships.Select(MembershipResponse.From)]);
}

public sealed record MembershipResponse(Guid OrganisationId, string Kind, string Role)
{
    public static MembershipResponse From(Membership m) => new(m.OrganisationId, m.Kind.Name(), m.Role.Name());
}

public sealed record MeResponse(
    Guid Id, string Email, string UserType, string DisplayName, IReadOnlyList<MembershipResponse> Memberships, int ActiveSessions, DateTimeOffset CreatedAt)
{
    public static MeResponse From(AccountView a) => new(
        a.UserId, a.Email, a.Type.Name(), a.DisplayName, [.. a.Memberships.Select(MembershipResponse.From)], a.ActiveSessions, a.CreatedAt);
}

public sealed record SignedOutEverywhere(int EndedSessions);
