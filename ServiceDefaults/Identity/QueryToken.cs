using System.Text.RegularExpressions;

namespace Supporter.ServiceDefaults.Identity;

/// <summary>
/// An access token in a URL (<c>?access_token=</c>, how browsers' SignalR transports send it) is a credential: it is
/// redacted wherever a URL is recorded (traces; request lines in logs are not written by hosts that accept it).
/// </summary>
public static partial class QueryToken
{
    public const string Parameter = "access_token";

    public const string Redacted = "Redacted";

    /// <summary><paramref name="query"/> (with or without its leading '?') with the token's value replaced.</summary>
    public static string Redact(string query) => TokenValue().Replace(query, $"$1{Redacted}");

    [GeneratedRegex(@"((?:^|[?&])access_token=)[^&#]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenValue();
}
