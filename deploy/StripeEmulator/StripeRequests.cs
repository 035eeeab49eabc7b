using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Supporter.StripeEmulator;

/// <summary>
/// What every API request goes through, as at Stripe: the key, the failure switch, then — for a POST with an
/// <c>Idempotency-Key</c> — the first answer replayed to any retry with the same parameters, refusals (4xx) included,
/// and an <c>idempotency_error</c> for the same key with other parameters or on another endpoint. Keys are forgotten
/// after a day, as Stripe forgets them.
/// </summary>
public sealed class StripeRequests(IOptions<EmulatorOptions> options, FaultSwitch faults, StateChanges changes, TimeProvider time)
{
    public static readonly TimeSpan KeyLifetime = TimeSpan.FromHours(24);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Answer> _answered = new(StringComparer.Ordinal);

    private sealed record Answer(string Fingerprint, StripeReply Reply, DateTimeOffset At);

    public async Task<IResult> HandleAsync(HttpContext http, Func<Form, StripeReply> handle, bool publishableAllowed = false)
    {
        var key = ApiKey(http.Request.Headers.Authorization.ToString());
        var settings = options.Value;
        var secret = key == settings.SecretKey;
        var form = new Form(http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null, http.Request.Query, secret);
        if (!secret && !(publishableAllowed && key == settings.PublishableKey))
        {
            return StripeObjects.Error(401, "invalid_request_error",
                key is null ? "You did not provide an API key." : $"Invalid API Key provided: {key[..Math.Min(8, key.Length)]}****").ToResult();
        }
        if (!secret && form.Value("client_secret") is null)
            return StripeObjects.Missing("client_secret").ToResult();
        if (faults.TakeRequestFailure(http.Request.Path) is { } failure)
            return failure.ToResult();

        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString();
        if (!HttpMethods.IsPost(http.Request.Method) || idempotencyKey.Length == 0)
            return handle(form).ToResult();
        var fingerprint = $"{http.Request.Path}?{form.Fingerprint()}";
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_answered.TryGetValue(idempotencyKey, out var earlier) && now - earlier.At < KeyLifetime)
            {
                if (earlier.Fingerprint != fingerprint)
                {
                    return StripeObjects.Error(400, "idempotency_error",
                        $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{idempotencyKey}' if you meant to execute a different request.").ToResult();
                }
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return earlier.Reply.ToResult();
            }
            var reply = handle(form);
            // Stripe does not store answers to requests that failed before doing anything (500s).
            if (reply.Status < 500)
            {
                _answered[idempotencyKey] = new Answer(fingerprint, reply, now);
                changes.Note();
            }
            return reply.ToResult();
        }
    }

    /// <summary>
    /// Writes the keys still remembered as <c>"idempotency"</c>, after what <paramref name="inside"/> writes; both under
    /// this gate, which every keyed request holds while it changes the store, so the two are one consistent cut.
    /// Answers what <paramref name="inside"/> answers (the changes the cut holds).
    /// </summary>
    public long WriteState(Utf8JsonWriter writer, DateTimeOffset now, Func<Utf8JsonWriter, long> inside)
    {
        lock (_gate)
        {
            var upTo = inside(writer);
            writer.WriteStartArray("idempotency");
            foreach (var (key, answer) in _answered)
            {
                if (now - answer.At >= KeyLifetime)
                    continue;
                writer.WriteStartObject();
                writer.WriteString("key", key);
                writer.WriteString("fingerprint", answer.Fingerprint);
                writer.WriteNumber("status", answer.Reply.Status);
                writer.WritePropertyName("body");
                answer.Reply.Body.WriteTo(writer);
                writer.WriteString("at", answer.At);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            return upTo;
        }
    }

    /// <summary>Takes back the keys of a state file, but those older than a day.</summary>
    public void Restore(JsonObject root, DateTimeOffset now)
    {
        lock (_gate)
        {
            _answered.Clear();
            foreach (var entry in root["idempotency"]?.AsArray() ?? [])
            {
                var at = entry!["at"]!.GetValue<DateTimeOffset>();
                if (now - at < KeyLifetime)
                {
                    _answered[entry["key"]!.GetValue<string>()] = new Answer(entry["fingerprint"]!.GetValue<string>(),
                        new StripeReply(entry["status"]!.GetValue<int>(), entry["body"]!.AsObject().DeepClone().AsObject()), at);
                }
            }
        }
    }

    /// <summary>The key from <c>Bearer sk_…</c> or, as curl's <c>-u sk_…:</c> sends it, HTTP Basic with the key as user name.</summary>
    private static string? ApiKey(string header)
    {
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
            return header[7..];
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
            return null;
        try
        {
            var credentials = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[6..]));
            var colon = credentials.IndexOf(':');
            return colon < 0 ? credentials : credentials[..colon];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// Stripe's form encoding (<c>metadata[order_id]=…</c>), with the query string as a fallback for GETs, and which key
/// sent it: the secret key is the platform's server, the publishable key a supporter's browser (Stripe.js).
/// </summary>
public sealed class Form(IFormCollection? form, IQueryCollection query, bool secretKey)
{
    public bool SecretKey => secretKey;

    public string? Value(string name) =>
        form is not null && form.TryGetValue(name, out var value) ? value.ToString()
        : query.TryGetValue(name, out var fromQuery) ? fromQuery.ToString()
        : null;

    /// <summary>Every <c>prefix[key]=value</c> as an object (metadata).</summary>
    public JsonObject Hash(string prefix)
    {
        var hash = new JsonObject();
        foreach (var (name, value) in form ?? (IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>>)[])
        {
            if (name.StartsWith(prefix + "[", StringComparison.Ordinal) && name.EndsWith(']'))
                hash[name[(prefix.Length + 1)..^1]] = value.ToString();
        }
        return hash;
    }

    public string Fingerprint() =>
        string.Join('&', (form ?? (IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>>)[])
            .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
