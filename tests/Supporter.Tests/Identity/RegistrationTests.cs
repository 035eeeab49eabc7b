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
    public async Task A_supporter_registers_confirms_the_address_and_gets_supporter_tokens()
    {
        var email = Accounts.UniqueEmail();
        var response = await api.Anonymous().SendAsync(Accounts.Registration(Accounts.RegistrationBody(email)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("pending_verification", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        // Not signed in until the address is confirmed, even with the right password.
        var early = await api.Anonymous().PostAsJsonAsync("/auth/login", new { email, password = Accounts.Password });
        Assert.Equal("/problems/email-not-verified", (await ProblemAssert.IsProblem(early, HttpStatusCode.Forbidden)).GetProperty("type").GetString());

        var verified = await Accounts.VerifyAsync(api.Anonymous(), await Accounts.VerificationTokenAsync(api.Mail, email));
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var tokens = await verified.Content.ReadFromJsonAsync<JsonElement>();
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
        // A confirmation token works once.
        await ProblemAssert.IsValidationProblem(await Accounts.VerifyAsync(api.Anonymous(), "bm9ib2R5QGV4YW1wbGUudGVzdA.AAAAAAAAAAAAAAAAAAAAAAAA"), "token");
    }

    [Fact]
    public async Task A_resent_confirmation_replaces_the_earlier_one()
    {
        var email = Accounts.UniqueEmail();
        await api.Anonymous().SendAsync(Accounts.Registration(Accounts.RegistrationBody(email)));
        var first = await Accounts.VerificationTokenAsync(api.Mail, email);
        api.Cluster.Clock.Advance(TimeSpan.FromMinutes(2));

        var resend = await api.Anonymous().PostAsJsonAsync("/auth/resend-verification", new { email });
        var second = await Accounts.VerificationTokenAsync(api.Mail, email);

        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        await ProblemAssert.IsValidationProblem(await Accounts.VerifyAsync(api.Anonymous(), first), "token");
        Assert.Equal(HttpStatusCode.OK, (await Accounts.VerifyAsync(api.Anonymous(), second)).StatusCode);
        // Asking for an address without an unconfirmed account looks the same and sends nothing.
        var nobody = Accounts.UniqueEmail("nobody");
        var unknown = await api.Anonymous().PostAsJsonAsync("/auth/resend-verification", new { email = nobody });
        Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode);
        Assert.Equal(await resend.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        Assert.False(api.Mail.HasUnread(nobody));
    }

    [Fact]
    public async Task A_confirmation_token_expires()
    {
        var email = Accounts.UniqueEmail();
        await api.Anonymous().SendAsync(Accounts.Registration(Accounts.RegistrationBody(email)));
        var token = await Accounts.VerificationTokenAsync(api.Mail, email);

        api.Cluster.Clock.Advance(TimeSpan.FromHours(25));

        await ProblemAssert.IsValidationProblem(await Accounts.VerifyAsync(api.Anonymous(), token), "token");
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
    public async Task A_taken_address_gets_the_same_answer_as_a_free_one_and_only_its_owner_hears_of_it()
    {
        var owner = await api.RegisterAsync();
        var fresh = Accounts.UniqueEmail();

        var taken = await api.Anonymous().SendAsync(Accounts.Registration(Accounts.RegistrationBody(owner.Email.ToUpperInvariant(), password: "an attacker's password")));
        var free = await api.Anonymous().SendAsync(Accounts.Registration(Accounts.RegistrationBody(fresh)));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (taken.StatusCode, free.StatusCode));
        Assert.Equal(await free.Content.ReadAsStringAsync(), await taken.Content.ReadAsStringAsync());
        var notice = await api.Mail.NextAsync(owner.Email);
        Assert.Contains("already has one", notice.TextBody);
        Assert.Equal(1, await Scalar<long>("SELECT count(*) FROM users WHERE lower(email) = lower(@email)", owner.Email));
        // The owner's password still works; the attacker's does not.
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous().PostAsJsonAsync("/auth/login", new { email = owner.Email, password = owner.Password })).StatusCode);
        await ProblemAssert.IsProblem(await api.Anonymous().PostAsJsonAsync("/auth/login", new { email = owner.Email, password = "an attacker's password" }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_retried_registration_makes_one_account()
    {
        var email = Accounts.UniqueEmail();
        var body = Accounts.RegistrationBody(email);

        var first = await api.Anonymous().SendAsync(Accounts.Registration(body, "signup-1"));
        var retry = await api.Anonymous().SendAsync(Accounts.Registration(body, "signup-1"));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, retry.StatusCode));
        Assert.Equal(1, await Scalar<long>("SELECT count(*) FROM users WHERE email = @email", email));
        Assert.Equal(HttpStatusCode.OK, (await Accounts.VerifyAsync(api.Anonymous(), await Accounts.VerificationTokenAsync(api.Mail, email))).StatusCode);
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_address_make_one_account()
    {
        var email = Accounts.UniqueEmail();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            api.Anonymous().SendAsync(Accounts.Registration(Accounts.RegistrationBody(email), $"race-{i}"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
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

    [Fact]
    public async Task The_snake_case_referrer_code_is_accepted_too()
    {
        var referrer = await api.RegisterAsync();
        var email = Accounts.UniqueEmail();
        var body = new { email, password = Accounts.Password, userType = "supporter", displayName = "Snake", locale = "en", referrer_code = referrer.ReferrerCode };

        Assert.Equal(HttpStatusCode.Accepted, (await api.Anonymous().SendAsync(Accounts.Registration(body))).StatusCode);
        await Accounts.VerifyAsync(api.Anonymous(), await Accounts.VerificationTokenAsync(api.Mail, email));

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
        Assert.False(api.Mail.HasUnread(email));
    }

    [Fact]
    public async Task A_registration_without_a_request_id_is_refused()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/register") { Content = JsonContent.Create(Accounts.RegistrationBody(Accounts.UniqueEmail())) };
        await ProblemAssert.IsValidationProblem(await api.Anonymous().SendAsync(request), "Idempotency-Key");
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
