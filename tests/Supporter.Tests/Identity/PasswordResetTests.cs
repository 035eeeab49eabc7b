using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

[Collection(ApiCollection.Name)]
public sealed class PasswordResetTests(ApiFixture api)
{
    private const string NewPassword = "a brand new passphrase";

    private async Task<string> ResetTokenAsync(string email)
    {
        var requested = await api.Anonymous().PostAsJsonAsync("/auth/password-reset", new { email });
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var message = await api.Mail.NextAsync(email);
        var match = System.Text.RegularExpressions.Regex.Match(message.TextBody ?? "", @"POST /auth/password-reset/confirm: (\S+)");
        Assert.True(match.Success, message.TextBody);
        return match.Groups[1].Value;
    }

    private Task<HttpResponseMessage> ConfirmAsync(string token, string password) =>
        api.Anonymous().PostAsJsonAsync("/auth/password-reset/confirm", new { token, password });

    [Fact]
    public async Task A_reset_sets_the_new_password_and_signs_out_every_session()
    {
        var fan = await api.RegisterAsync();
        var token = await ResetTokenAsync(fan.Email);

        var reset = await ConfirmAsync(token, NewPassword);

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(fan.UserId, (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("account").GetProperty("id").GetGuid());
        await ProblemAssert.IsProblem(await api.Anonymous().PostAsJsonAsync("/auth/login", new { email = fan.Email, password = fan.Password }), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous().PostAsJsonAsync("/auth/login", new { email = fan.Email, password = NewPassword })).StatusCode);
        var refresh = await api.Anonymous().PostAsJsonAsync("/auth/refresh", new { refreshToken = fan.RefreshToken });
        Assert.Equal("/problems/refresh-token-revoked", (await ProblemAssert.IsProblem(refresh, HttpStatusCode.Unauthorized)).GetProperty("type").GetString());
        // A reset token works once.
        await ProblemAssert.IsValidationProblem(await ConfirmAsync(token, "yet another passphrase"), "token");
    }

    [Fact]
    public async Task A_reset_also_lifts_a_lockout_and_confirms_an_unconfirmed_address()
    {
        var email = Accounts.UniqueEmail();
        await api.Anonymous().SendAsync(Accounts.Registration(Accounts.RegistrationBody(email)));
        await api.Mail.NextAsync(email); // the confirmation, never used
        for (var i = 0; i < 5; i++)
            await api.Anonymous().PostAsJsonAsync("/auth/login", new { email, password = $"guess {i}" });

        Assert.Equal(HttpStatusCode.OK, (await ConfirmAsync(await ResetTokenAsync(email), NewPassword)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous().PostAsJsonAsync("/auth/login", new { email, password = NewPassword })).StatusCode);
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_answer_and_no_mail()
    {
        var fan = await api.RegisterAsync();
        var nobody = Accounts.UniqueEmail("nobody");

        var known = await api.Anonymous().PostAsJsonAsync("/auth/password-reset", new { email = fan.Email });
        var unknown = await api.Anonymous().PostAsJsonAsync("/auth/password-reset", new { email = nobody });

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (known.StatusCode, unknown.StatusCode));
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        Assert.False(api.Mail.HasUnread(nobody));
    }

    [Fact]
    public async Task Bad_resets_name_the_field_and_change_nothing()
    {
        var fan = await api.RegisterAsync();
        var token = await ResetTokenAsync(fan.Email);

        await ProblemAssert.IsValidationProblem(await ConfirmAsync(token, "short"), "password");
        await ProblemAssert.IsValidationProblem(await ConfirmAsync(token[..^4] + "AAAA", NewPassword), "token");
        await ProblemAssert.IsValidationProblem(await ConfirmAsync("garbage", NewPassword), "token");
        await ProblemAssert.IsValidationProblem(await api.Anonymous().PostAsJsonAsync("/auth/password-reset", new { email = "nope" }), "email");

        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous().PostAsJsonAsync("/auth/login", new { email = fan.Email, password = fan.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ConfirmAsync(token, NewPassword)).StatusCode);
    }
}
