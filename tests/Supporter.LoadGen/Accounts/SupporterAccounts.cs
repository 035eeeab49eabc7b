using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Supporter.LoadGen.Accounts;

/// <summary>
/// Gets the virtual supporters: the admin signs in once, then the admin-only bulk endpoint
/// (<c>POST /api/admin/load-test/supporters</c>) creates confirmed accounts and signs each in. The same prefix and
/// count give the same accounts on the next run (the idempotency key is derived from them).
/// </summary>
public static class SupporterAccounts
{
    public const string Path = "/api/admin/load-test/supporters";
    public const int BatchSize = 500;

    public static async Task<IReadOnlyList<VirtualSupporter>> ProvisionAsync(HttpClient http, string adminEmail, string adminPassword,
        int count, string prefix, string password, CancellationToken cancellationToken)
    {
        var adminToken = await SignInAsync(http, adminEmail, adminPassword, cancellationToken);
        var supporters = new List<VirtualSupporter>(count);
        for (var batch = 0; supporters.Count < count; batch++)
        {
            var size = Math.Min(BatchSize, count - supporters.Count);
            using var request = new HttpRequestMessage(HttpMethod.Post, Path)
            {
                Content = JsonContent.Create(new { count = size, emailPrefix = $"{prefix}-{batch}", password }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            request.Headers.Add("Idempotency-Key", $"loadgen-accounts-{prefix}-{batch}-{size}");
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"Creating load-test supporters failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            foreach (var account in body.RootElement.GetProperty("supporters").EnumerateArray())
            {
                var email = account.GetProperty("email").GetString()!;
                if (account.GetProperty("tokens") is not { ValueKind: JsonValueKind.Object } tokens)
                    throw new InvalidOperationException($"Load-test supporter {email} could not be signed in: {account.GetProperty("problem")}");
                supporters.Add(new VirtualSupporter(email, tokens.GetProperty("accessToken").GetString()!));
            }
        }
        return supporters;
    }

    public static async Task<string> SignInAsync(HttpClient http, string email, string password, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/auth/login", new { email, password }, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The admin {email} could not sign in ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}");
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return body.RootElement.GetProperty("accessToken").GetString()!;
    }
}
