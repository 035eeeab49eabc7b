using System.Net.Http.Json;
using System.Text.Json;

namespace Supporter.Tests.Infrastructure;

/// <summary>An account a test registered, with its tokens and a client that sends its access token.</summary>
public sealed record TestAccount(Guid UserId, string Email, string Password, string AccessToken, string RefreshToken, string ReferrerCode)
{
    public HttpClient? Client { get; init; }
}

/// <summary>Registration and sign-in through the real endpoints.</summary>
public static class Accounts
{
    public const string Password = "correct horse battery staple";

    public static string UniqueEmail(string prefix = "fan") => $"{prefix}-{Guid.NewGuid():N}@example.test";

    public static object RegistrationBody(string email, string userType = "supporter", string? referrerCode = null, string password = Password) => new
    {
        email,
        password,
        userType,
        displayName = "Test Fan",
        homeCity = "Leeds",
        favouriteGenres = new[] { "indie", "punk" },
        marketingConsent = true,
        locale = "en-GB",
        referrerCode,
    };

    public static HttpRequestMessage Registration(object body, string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/register") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Request-Id", requestId ?? Guid.NewGuid().ToString());
        return request;
    }

    /// <summary>The confirmation token in the newest e-mail to <paramref name="email"/>.</summary>
    public static async Task<string> VerificationTokenAsync(FakeSmtpServer mail, string email)
    {
        var message = await mail.NextAsync(email);
        var match = System.Text.RegularExpressions.Regex.Match(message.TextBody ?? "", @"POST /auth/verify-email: (\S+)");
        Assert.True(match.Success, $"No confirmation token in '{message.Subject}': {message.TextBody}");
        return match.Groups[1].Value;
    }

    public static async Task<HttpResponseMessage> VerifyAsync(HttpClient anonymous, string token) =>
        await anonymous.PostAsJsonAsync("/auth/verify-email", new { token });

    /// <summary>Registers, confirms the address from the e-mail, and returns the signed-in account.</summary>
    public static async Task<TestAccount> RegisterAsync(HttpClient anonymous, FakeSmtpServer mail, string userType = "supporter", string? referrerCode = null,
        string? email = null)
    {
        email ??= UniqueEmail(userType.Replace('_', '-'));
        var response = await anonymous.SendAsync(Registration(RegistrationBody(email, userType, referrerCode)));
        if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
            throw new InvalidOperationException($"Registration failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var verified = await VerifyAsync(anonymous, await VerificationTokenAsync(mail, email));
        if (!verified.IsSuccessStatusCode)
            throw new InvalidOperationException($"Confirming the address failed with {(int)verified.StatusCode}: {await verified.Content.ReadAsStringAsync()}");
        var tokens = await verified.Content.ReadFromJsonAsync<JsonElement>();
        var userId = tokens.GetProperty("account").GetProperty("id").GetGuid();
        var accessToken = tokens.GetProperty("accessToken").GetString()!;
        var code = "";
        if (userType == "supporter")
        {
            var profile = await anonymous.SendAsync(Authorized(HttpMethod.Get, "/supporters/profile", accessToken));
            code = (await profile.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("referrerCode").GetString()!;
        }
        return new TestAccount(userId, email, Password, accessToken, tokens.GetProperty("refreshToken").GetString()!, code);
    }

    public static async Task<(string AccessToken, string RefreshToken)> LoginAsync(HttpClient anonymous, string email, string password)
    {
        var response = await anonymous.PostAsJsonAsync("/auth/login", new { email, password });
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Sign-in failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var tokens = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (tokens.GetProperty("accessToken").GetString()!, tokens.GetProperty("refreshToken").GetString()!);
    }

    public static HttpRequestMessage Authorized(HttpMethod method, string path, string accessToken, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return request;
    }
}
