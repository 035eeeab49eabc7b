using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Supporter.StripeEmulator;

/// <summary>Ids, errors and the list shape, as Stripe writes them.</summary>
internal static class StripeObjects
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string NewId(string prefix) => $"{prefix}_{RandomNumberGenerator.GetString(Alphabet, 24)}";

    public static JsonObject List(string url, IEnumerable<JsonNode?> items) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray([.. items.Select(i => i?.DeepClone())]),
        ["has_more"] = false,
        ["url"] = url,
    };

    public static StripeReply Error(int status, string type, string message, string? code = null, string? param = null, JsonObject? extra = null)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null)
            error["code"] = code;
        if (param is not null)
            error["param"] = param;
        foreach (var (key, value) in extra ?? [])
            error[key] = value?.DeepClone();
        return new StripeReply(status, new JsonObject { ["error"] = error });
    }

    public static StripeReply Missing(string param) =>
        Error(400, "invalid_request_error", $"Missing required param: {param}.", "parameter_missing", param);

    public static StripeReply Invalid(string param, string message) =>
        Error(400, "invalid_request_error", message, "parameter_invalid", param);

    public static StripeReply NotFound(string kind, string id) =>
        Error(404, "invalid_request_error", $"No such {kind}: '{id}'", "resource_missing", "id");

    /// <summary>An id given as a parameter that names nothing: a bad request (400), not a missing resource (404).</summary>
    public static StripeReply NoSuch(string kind, string id, string param) =>
        Error(400, "invalid_request_error", $"No such {kind}: '{id}'", "resource_missing", param);

    public static long Unix(DateTimeOffset instant) => instant.ToUnixTimeSeconds();
}

/// <summary>An answer of the API: its status and JSON body, kept so an idempotent retry gets exactly the same.</summary>
public sealed record StripeReply(int Status, JsonObject Body)
{
    public static StripeReply Ok(JsonObject body) => new(200, body);

    public IResult ToResult() => Results.Json(Body, statusCode: Status);
}
