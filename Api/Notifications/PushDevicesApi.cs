using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.Api.Identity;
using Supporter.Api.Infrastructure;
using Supporter.Notifications;

namespace Supporter.Api.Notifications;

/// <summary>
/// The devices a supporter's app registered for push notifications (FCM registration tokens). Registering is
/// idempotent (the app may do it on every start); a token moves to whoever registered it last.
/// </summary>
public static class PushDevicesApi
{
    public static IEndpointRouteBuilder MapPushDevicesApi(this IEndpointRouteBuilder app)
    {
        var devices = app.MapGroup("/supporters/push-devices").WithTags("Notifications").RequireAuthorization(Policies.Supporter);
        devices.MapGet("/", List).WithName("ListPushDevices").WithSummary("Your devices registered for push notifications, most recently seen first.");
        devices.MapPut("/{token}", Register).WithName("RegisterPushDevice")
            .WithSummary($"Register this device's push token ({{ platform: android | ios | web }}); at most {PushDevices.MaxPerSupporter} are kept.");
        devices.MapDelete("/{token}", Remove).WithName("RemovePushDevice").WithSummary("Stop sending push notifications to this device.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<PushDeviceResponse>>> List(ClaimsPrincipal user, IClusterClient cluster)
    {
        var devices = await cluster.GetGrain<IPushDevicesGrain>(user.UserId()).List();
        return TypedResults.Ok<IReadOnlyList<PushDeviceResponse>>([.. devices.Select(PushDeviceResponse.From)]);
    }

    public static async Task<Results<Created<PushDeviceResponse>, Ok<PushDeviceResponse>, ValidationProblem>> Register(
        string token, PushDeviceRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        var errors = new Dictionary<string, string[]>();
        if (!PushDevices.IsWellFormedToken(token))
            errors["token"] = [$"A device token is 1 to {PushDevices.MaxTokenLength} printable characters without spaces."];
        if (!PushDevices.TryParse(request.Platform, out var platform))
            errors["platform"] = ["One of 'android', 'ios' or 'web' is required."];
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        var registration = await cluster.GetGrain<IPushDevicesGrain>(user.UserId()).Register(token, platform);
        var response = PushDeviceResponse.From(registration.Device);
        return registration.Created
            ? TypedResults.Created($"/supporters/push-devices/{Uri.EscapeDataString(token)}", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Remove(string token, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!PushDevices.IsWellFormedToken(token))
            return Problems.Invalid("token", $"A device token is 1 to {PushDevices.MaxTokenLength} printable characters without spaces.");
        return await cluster.GetGrain<IPushDevicesGrain>(user.UserId()).Remove(token)
            ? TypedResults.NoContent()
            : Problems.NotFound("You have no device with this token.");
    }
}

public sealed record PushDeviceRequest(string? Platform);

public sealed record PushDeviceResponse(string Token, string Platform, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt)
{
    public static PushDeviceResponse From(PushDevice device) => new(device.Token, device.Platform.Name(), device.CreatedAt, device.LastSeenAt);
}
