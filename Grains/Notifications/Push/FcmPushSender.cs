using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Supporter.Grains.Notifications.Push;

/// <summary>
/// Firebase Cloud Messaging, HTTP v1: <c>POST {ApiBase}/v1/projects/{ProjectId}/messages:send</c> with a bearer
/// token from <see cref="FcmAccessTokens"/>. Answers that say the token is gone for good (404 UNREGISTERED, 400
/// INVALID_ARGUMENT about the token, 403 SENDER_ID_MISMATCH) forget the device; everything else (429, 5xx, time-outs,
/// other refusals) is retried by the outbox, and given up on after its attempts run out.
/// </summary>
public sealed class FcmPushSender(IHttpClientFactory clients, IOptions<PushSettings> options, FcmAccessTokens tokens) : IPushSender
{
    public const string HttpClientName = "fcm";

    public bool IsConfigured => true;

    public async Task<PushResult> SendAsync(string deviceToken, PushMessage message, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        try
        {
            var accessToken = await tokens.GetAsync(cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Post,
                $"{settings.ApiBase.TrimEnd('/')}/v1/projects/{Uri.EscapeDataString(settings.ProjectId!)}/messages:send")
            {
                Content = JsonContent.Create(new
                {
                    message = new
                    {
                        token = deviceToken,
                        notification = new { title = message.Title, body = message.Body },
                        data = message.Data,
                    },
                }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
                return PushResult.Delivered;
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                tokens.Forget(accessToken);
            return Classify(response.StatusCode, body);
        }
        catch (PushProviderException exception)
        {
            return new PushResult(PushOutcome.Retry, exception.Message);
        }
        catch (HttpRequestException exception)
        {
            return new PushResult(PushOutcome.Retry, $"FCM could not be reached: {exception.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PushResult(PushOutcome.Retry, $"FCM did not answer within {settings.RequestTimeout}.");
        }
    }

    /// <summary>FCM's error body: <c>{"error":{"code","message","status","details":[{"@type","errorCode"|"fieldViolations"}]}}</c>.</summary>
    internal static PushResult Classify(HttpStatusCode status, string body)
    {
        string? errorCode = null, text = null;
        var fields = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("error", out var error))
            {
                text = error.TryGetProperty("message", out var m) ? m.GetString() : null;
                if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
                {
                    foreach (var detail in details.EnumerateArray())
                    {
                        if (detail.TryGetProperty("errorCode", out var code))
                            errorCode = code.GetString();
                        if (detail.TryGetProperty("fieldViolations", out var violations) && violations.ValueKind == JsonValueKind.Array)
                            fields.AddRange(violations.EnumerateArray().Select(v => v.TryGetProperty("field", out var f) ? f.GetString() ?? "" : ""));
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not FCM's error shape (a proxy's page, say): judged by the status alone.
        }
        var summary = $"FCM answered {(int)status} {errorCode ?? ""}: {FcmAccessTokens.Truncate(text ?? body)}";
        var deadToken = (status, errorCode) switch
        {
            (HttpStatusCode.NotFound, "UNREGISTERED") => true,
            (HttpStatusCode.Forbidden, "SENDER_ID_MISMATCH") => true,
            // INVALID_ARGUMENT also covers a malformed message; only one that names no field but the token is the token's fault.
            (HttpStatusCode.BadRequest, "INVALID_ARGUMENT") => fields.All(f => f == "message.token"),
            _ => false,
        };
        return new PushResult(deadToken ? PushOutcome.DeadToken : PushOutcome.Retry, summary);
    }
}
