namespace Supporter.Api.Infrastructure;

/// <summary>The idempotency header every state-changing command carries.</summary>
public static class Headers
{
    public const string RequestId = "X-Request-Id";
    public const int MaxRequestIdLength = 128;
    public static readonly string RequestIdRule = $"A {RequestId} header of 1 to {MaxRequestIdLength} characters makes the request safe to retry.";

    public static bool IsRequestId(string? value) => !string.IsNullOrWhiteSpace(value) && value.Length <= MaxRequestIdLength;
}
