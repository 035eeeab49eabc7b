using Supporter.ServiceDefaults.Identity;
using Supporter.Payments;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.Api.Identity;
using Supporter.Api.Infrastructure;
using Supporter.Identity;
using Supporter.Orders;

namespace Supporter.Api.Supporters;

/// <summary>A supporter's own profile and notification preferences; admins may read anyone's.</summary>
public static class SupportersApi
{
    public static IEndpointRouteBuilder MapSupportersApi(this IEndpointRouteBuilder app)
    {
        var own = app.MapGroup("/supporters").WithTags("Supporters").RequireAuthorization(Policies.Supporter);
        own.MapGet("/profile", GetOwnProfile).WithName("GetProfile").WithSummary("Your profile.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        own.MapPut("/profile", ReplaceProfile).WithName("ReplaceProfile").WithSummary("Replace your profile's editable fields.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        own.MapPatch("/profile", PatchProfile).WithName("PatchProfile").WithSummary("Change some of your profile's fields.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        own.MapGet("/preferences", GetPreferences).WithName("GetPreferences").WithSummary("Your notification preferences.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        own.MapPut("/preferences", SetPreferences).WithName("SetPreferences").WithSummary("Replace your notification preferences.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        own.MapPost("/referral", ApplyReferral).WithName("ApplyReferral").WithSummary("Name the supporter who referred you (once).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        app.MapGet("/supporters/{userId}/profile", GetAnyProfile)
            .WithTags("Supporters").RequireAuthorization(Policies.Admin)
            .WithName("GetSupporterProfile").WithSummary("Any supporter's profile (admins).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/supporters/{userId}/preferences", GetAnyPreferences)
            .WithTags("Supporters").RequireAuthorization(Policies.Admin)
            .WithName("GetSupporterPreferences").WithSummary("Any supporter's notification preferences (admins).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static Task<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>> GetOwnProfile(ClaimsPrincipal user, IClusterClient cluster) =>
        ProfileOf(user.UserId(), cluster);

    public static Task<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>> GetAnyProfile(string userId, IClusterClient cluster) =>
        Ids.TryParse(userId, out var id) ? ProfileOf(id, cluster) : Task.FromResult<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>>(Ids.Malformed(nameof(userId)));

    private static async Task<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>> ProfileOf(Guid userId, IClusterClient cluster)
    {
        var (profile, card) = (cluster.GetGrain<IAccountGrain>(userId).GetProfile(), DefaultCardOf(userId, cluster));
        await Task.WhenAll(profile, card);
        return await profile is { } found
            ? TypedResults.Ok(ProfileResponse.From(found, await card))
            : Problems.NotFound($"There is no supporter {userId}.");
    }

    /// <summary>
    /// The card as the payment-methods grain stored it, where saving and removing a card happen; not re-checked with
    /// the provider (that is <c>GET /supporters/payment-methods/default</c>), so a profile never waits for Stripe.
    /// </summary>
    private static Task<SavedPaymentMethod?> DefaultCardOf(Guid userId, IClusterClient cluster) =>
        cluster.GetGrain<IPaymentMethodsGrain>(userId).GetDefault();

    public static Task<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>> ReplaceProfile(
        ProfileRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        var missing = new Dictionary<string, string[]>();
        if (request.DisplayName is null) missing["displayName"] = ["Required in a PUT."];
        if (request.HomeCity is null) missing["homeCity"] = ["Required in a PUT (may be empty)."];
        if (request.FavouriteGenres is null) missing["favouriteGenres"] = ["Required in a PUT (may be empty)."];
        if (request.MarketingConsent is null) missing["marketingConsent"] = ["Required in a PUT."];
        if (request.Locale is null) missing["locale"] = ["Required in a PUT."];
        return missing.Count > 0
            ? Task.FromResult<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>>(Problems.Invalid(missing))
            : ChangeProfile(request, user, cluster);
    }

    public static Task<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>> PatchProfile(
        ProfileRequest request, ClaimsPrincipal user, IClusterClient cluster) => ChangeProfile(request, user, cluster);

    private static async Task<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>> ChangeProfile(
        ProfileRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        var change = new ProfileChange(request.DisplayName, request.HomeCity,
            request.FavouriteGenres is { } genres ? [.. genres] : null, request.MarketingConsent, request.Locale);
        var result = await cluster.GetGrain<IAccountGrain>(user.UserId()).UpdateProfile(change);
        return result switch
        {
            ProfileUpdated updated => TypedResults.Ok(ProfileResponse.From(updated.Profile, await DefaultCardOf(user.UserId(), cluster))),
            ProfileInvalid invalid => Problems.Invalid(invalid.Errors.ToDictionary()),
            _ => Problems.NotFound("Your account has no supporter profile."),
        };
    }

    public static async Task<Results<Ok<PreferencesDocument>, ProblemHttpResult>> GetPreferences(ClaimsPrincipal user, IClusterClient cluster) =>
        await cluster.GetGrain<IAccountGrain>(user.UserId()).GetPreferences() is { } preferences
            ? TypedResults.Ok(PreferencesDocument.From(preferences))
            : Problems.NotFound("Your account has no notification preferences.");

    public static async Task<Results<Ok<PreferencesDocument>, ValidationProblem, ProblemHttpResult>> GetAnyPreferences(string userId, IClusterClient cluster)
    {
        if (!Ids.TryParse(userId, out var id))
            return Ids.Malformed(nameof(userId));
        return await cluster.GetGrain<IAccountGrain>(id).GetPreferences() is { } preferences
            ? TypedResults.Ok(PreferencesDocument.From(preferences))
            : Problems.NotFound($"There is no supporter {id}.");
    }

    public static async Task<Results<Ok<PreferencesDocument>, ValidationProblem, ProblemHttpResult>> SetPreferences(
        PreferencesDocument document, ClaimsPrincipal user, IClusterClient cluster)
    {
        var errors = new Dictionary<string, string[]>();
        if (document.PresaleAlerts is null) errors["presaleAlerts"] = ["Required: { artists, venues, genres } (lists may be empty)."];
        if (document.Channels is null) errors["channels"] = ["Required: { email, push }."];
        if (document.WalletAutoAdd is null) errors["walletAutoAdd"] = ["Required: { apple, google }."];
        QuietHours? quiet = null;
        if (document.QuietHours is { } q)
        {
            if (!TryParseTime(q.Start, out var start)) errors["quietHours.start"] = ["A time as HH:mm is required."];
            if (!TryParseTime(q.End, out var end)) errors["quietHours.end"] = ["A time as HH:mm is required."];
            quiet = new QuietHours(start, end, q.TimeZone ?? "");
        }
        if (errors.Count > 0)
            return Problems.Invalid(errors);

        var alerts = document.PresaleAlerts!;
        var preferences = new NotificationPreferences(
            [.. alerts.Artists ?? []], [.. alerts.Venues ?? []], [.. alerts.Genres ?? []],
            document.Channels!.Email, document.Channels.Push, quiet, document.WalletAutoAdd!.Apple, document.WalletAutoAdd.Google);
        var result = await cluster.GetGrain<IAccountGrain>(user.UserId()).SetPreferences(preferences);
        return result switch
        {
            PreferencesSaved saved => TypedResults.Ok(PreferencesDocument.From(saved.Preferences)),
            PreferencesInvalid invalid => Problems.Invalid(invalid.Errors.ToDictionary()),
            _ => Problems.NotFound("Your account has no notification preferences."),
        };
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ApplyReferral(
        ReferralRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!ReferralCodes.TryNormalize(request.ReferrerCode, out var code))
            return Problems.Invalid("referrerCode", $"A referrer code is {ReferralCodes.Length} letters and digits.");
        var outcome = await cluster.GetGrain<IAccountGrain>(user.UserId()).ApplyReferral(code);
        return outcome switch
        {
            ReferralOutcome.Recorded or ReferralOutcome.AlreadyRecorded => TypedResults.NoContent(),
            ReferralOutcome.UnknownCode => Problems.Invalid("referrerCode", "No supporter has this referrer code."),
            ReferralOutcome.OwnCode => Problems.Invalid("referrerCode", "You cannot refer yourself."),
            ReferralOutcome.AlreadyReferred => Problems.Conflict("already-referred", "Referral already recorded", "Another supporter is already recorded as your referrer."),
            _ => Problems.NotFound("Your account has no supporter profile."),
        };
    }

    private static bool TryParseTime(string? value, out TimeOnly time) =>
        TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}
