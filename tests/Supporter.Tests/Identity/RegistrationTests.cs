using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

[Collection(ApiCollection.Name)]
public sealed class RegistrationTests(ApiFixture api)
{
    [Fact]
    public async Task A_supporter_registers_with_a_profile_and_gets_supporter_tokens()
    {
        var email = Accounts.UniqueEmail();
        var response = await api.Anonymous().SendAsync(Accounts.Registration(Accounts.RegistrationBody(email)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var tokens = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", tokens.GetProperty("tokenType").GetString());
        Assert.Equal("supporter", tokens.GetProperty("account").GetProperty("userType").GetString());
        var claims = JwtPayload(tokens.GetProperty("accessToken").GetString()!);
        Assert.Equal("supporter", claims.GetProperty("scope").GetString());
        Assert.Equal("supporter", claims.GetProperty("user_type").GetString());
        Assert.Equal(tokens.GetProperty("account").GetProperty("id").GetString(), claims.GetProperty("sub").GetString());

        var fan = api.WithToken(tokens.GetProperty("accessToken").GetString()!);
        var profile = await fan.GetFromJsonAsync<JsonElement>("/supporters/profile");
        Assert.Equal(("Test Fan", "Leeds", "en-GB", true), (profile.GetProperty("displayName").GetString(), profile.GetProperty("homeCity").GetString(),
            profile.GetProperty("locale").GetString(), profile.GetProperty("marketingConsent").GetBoolean()));
        Assert.Equal("standard", profile.GetProperty("loyaltyTier").GetString());
        Assert.Matches("^[0-9A-Z]{8}$", profile.GetProperty("referrerCode").GetString());

        // Sane defaults: e-mail alerts for the genres named at registration, quiet at night, no wallet auto-add.
        var preferences = await fan.GetFromJsonAsync<JsonElement>("/supporters/preferences");
        Assert.Equal(["indie", "punk"], preferences.GetProperty("presaleAlerts").GetProperty("genres").EnumerateArray().Select(g => g.GetString()));
        Assert.True(preferences.GetProperty("channels").GetProperty("email").GetBoolean());
        Assert.False(preferences.GetProperty("walletAutoAdd").GetProperty("apple").GetBoolean());

        var stored = await Scalar<string>("SELECT p.home_city FROM supporter_profiles p JOIN users u ON u.id = p.user_id WHERE u.email = @email", email);
        Assert.Equal("Leeds", stored);
    }

    [Theory]
    [InlineData("venue")]
    [InlineData("booking_agent")]
    [InlineData("artist")]
    public async Task Other_user_types_register_without_the_supporter_scope(string userType)
    {
        var account = await api.RegisterAsync(userType);

        var claims = JwtPayload(account.AccessToken);
        Assert.Equal(userType, claims.GetProperty("user_type").GetString());
        Assert.False(claims.TryGetProperty("scope", out _));
        await ProblemAssert.IsProblem(await account.Client!.GetAsync("/supporters/profile"), HttpStatusCode.Forbidden);
        Assert.Equal(userType, await Scalar<string>("SELECT user_type FROM users WHERE id = @id", account.UserId));
    }

    [Fact]
    public async Task A_retried_registration_gets_the_same_account_and_a_taken_address_is_refused()
    {
        var email = Accounts.UniqueEmail();
        var body = Accounts.RegistrationBody(email);

        var first = await api.Anonymous().SendAsync(Accounts.Registration(body, "signup-1"));
        var retry = await api.Anonymous().SendAsync(Accounts.Registration(body, "signup-1"));
        var other = await api.Anonymous().SendAsync(Accounts.Registration(Accounts.RegistrationBody(email.ToUpperInvariant()), "signup-2"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await AccountId(first), await AccountId(retry));
        var problem = await ProblemAssert.IsProblem(other, HttpStatusCode.Conflict);
        Assert.Equal("/problems/email-unavailable", problem.GetProperty("type").GetString());
        Assert.Equal(1, await Scalar<long>("SELECT count(*) FROM users WHERE lower(email) = lower(@email)", email));
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_address_make_one_account()
    {
        var email = Accounts.UniqueEmail();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            api.Anonymous().SendAsync(Accounts.Registration(Accounts.RegistrationBody(email), $"race-{i}"))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await Scalar<long>("SELECT count(*) FROM users WHERE email = @email", email));
    }

    [Fact]
    public async Task A_referrer_code_credits_the_referrer_once()
    {
        var referrer = await api.RegisterAsync();
        var referred = await api.RegisterAsync(referrerCode: referrer.ReferrerCode.ToLowerInvariant());

        var profile = await referrer.Client!.GetFromJsonAsync<JsonElement>("/supporters/profile");
        Assert.Equal(1, profile.GetProperty("referralCount").GetInt32());
        var referredProfile = await referred.Client!.GetFromJsonAsync<JsonElement>("/supporters/profile");
        Assert.Equal(referrer.UserId, referredProfile.GetProperty("referredBy").GetGuid());

        // Naming the same referrer again changes nothing; naming another is refused; one's own code is refused.
        Assert.Equal(HttpStatusCode.NoContent, (await referred.Client!.PostAsJsonAsync("/supporters/referral", new { referrerCode = referrer.ReferrerCode })).StatusCode);
        var another = await api.RegisterAsync();
        var conflict = await ProblemAssert.IsProblem(
            await referred.Client!.PostAsJsonAsync("/supporters/referral", new { referrerCode = another.ReferrerCode }), HttpStatusCode.Conflict);
        Assert.Equal("/problems/already-referred", conflict.GetProperty("type").GetString());
        await ProblemAssert.IsValidationProblem(
            await another.Client!.PostAsJsonAsync("/supporters/referral", new { referrerCode = another.ReferrerCode }), "referrerCode");

        profile = await referrer.Client!.GetFromJsonAsync<JsonElement>("/supporters/profile");
        Assert.Equal(1, profile.GetProperty("referralCount").GetInt32());
        Assert.Equal(1, await Scalar<long>("SELECT count(*) FROM referrals WHERE referrer_id = @id", referrer.UserId));
    }

    [Fact]
    public async Task A_supporter_who_signed_up_without_a_code_can_name_a_referrer_later()
    {
        var referrer = await api.RegisterAsync();
        var fan = await api.RegisterAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await fan.Client!.PostAsJsonAsync("/supporters/referral", new { referrerCode = referrer.ReferrerCode })).StatusCode);

        Assert.Equal(1, (await referrer.Client!.GetFromJsonAsync<JsonElement>("/supporters/profile")).GetProperty("referralCount").GetInt32());
    }

    public static TheoryData<string, object> BadRegistrations => new()
    {
        { "email", new { email = "not-an-address", password = Accounts.Password, userType = "supporter", displayName = "A", locale = "en" } },
        { "password", new { email = Accounts.UniqueEmail(), password = "short", userType = "supporter", displayName = "A", locale = "en" } },
        { "password", new { email = Accounts.UniqueEmail(), password = "aaaaaaaaaaaa", userType = "supporter", displayName = "A", locale = "en" } },
        { "userType", new { email = Accounts.UniqueEmail(), password = Accounts.Password, userType = "wizard", displayName = "A", locale = "en" } },
        { "userType", new { email = Accounts.UniqueEmail(), password = Accounts.Password, userType = "admin", displayName = "A", locale = "en" } },
        { "displayName", new { email = Accounts.UniqueEmail(), password = Accounts.Password, userType = "supporter", displayName = "", locale = "en" } },
        { "locale", new { email = Accounts.UniqueEmail(), password = Accounts.Password, userType = "supporter", displayName = "A", locale = "english please" } },
        { "favouriteGenres", new { email = Accounts.UniqueEmail(), password = Accounts.Password, userType = "supporter", displayName = "A", locale = "en", favouriteGenres = new[] { "" } } },
        { "referrerCode", new { email = Accounts.UniqueEmail(), password = Accounts.Password, userType = "supporter", displayName = "A", locale = "en", referrerCode = "nope" } },
        { "referrerCode", new { email = Accounts.UniqueEmail(), password = Accounts.Password, userType = "supporter", displayName = "A", locale = "en", referrerCode = "ZZZZZZZZ" } },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task Bad_registrations_name_the_field_and_store_nothing(string field, object body)
    {
        var email = JsonSerializer.SerializeToElement(body).GetProperty("email").GetString()!;

        await ProblemAssert.IsValidationProblem(await api.Anonymous().SendAsync(Accounts.Registration(body)), field);

        Assert.Equal(0, await Scalar<long>("SELECT count(*) FROM users WHERE lower(email) = lower(@email)", email));
        // The address stays free: a good registration of it still works.
        var good = await api.Anonymous().SendAsync(Accounts.Registration(Accounts.RegistrationBody(email.Contains('@') ? email : Accounts.UniqueEmail())));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
    }

    [Fact]
    public async Task A_registration_without_a_request_id_is_refused()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/register") { Content = JsonContent.Create(Accounts.RegistrationBody(Accounts.UniqueEmail())) };
        await ProblemAssert.IsValidationProblem(await api.Anonymous().SendAsync(request), "X-Request-Id");
    }

    private static async Task<Guid> AccountId(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("account").GetProperty("id").GetGuid();

    internal static JsonElement JwtPayload(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        return JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '='))).RootElement;
    }

    private async Task<T> Scalar<T>(string sql, object parameter)
    {
        await using var connection = new NpgsqlConnection(api.Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(sql.Contains("@email") ? "email" : "id", parameter);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
