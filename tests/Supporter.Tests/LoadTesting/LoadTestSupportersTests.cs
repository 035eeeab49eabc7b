using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.LoadTesting;

[Collection(ApiCollection.Name)]
public sealed class LoadTestSupportersTests(ApiFixture api)
{
    private const string Password = "load-test-password-2027";

    [Fact]
    public async Task Creates_confirmed_signed_in_supporters_and_a_retry_gives_the_same_accounts()
    {
        var admin = await api.AdminAsync();
        var prefix = $"lt-{Guid.NewGuid():N}"[..20];
        var key = Guid.NewGuid().ToString();

        var first = await CreateAsync(admin, key, new { count = 3, emailPrefix = prefix, password = Password });
        var again = await CreateAsync(admin, key, new { count = 3, emailPrefix = prefix, password = Password });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var accounts = await Me(first);
        Assert.Equal([$"{prefix}-0@loadtest.supporter.local", $"{prefix}-1@loadtest.supporter.local", $"{prefix}-2@loadtest.supporter.local"],
            accounts.Select(a => a.Email));
        Assert.All(accounts, a => Assert.Equal("supporter", a.UserType));
        Assert.Equal(accounts.Select(a => a.Id), (await Me(again)).Select(a => a.Id));
    }

    [Fact]
    public async Task Bad_input_names_the_field_and_creates_nothing()
    {
        var admin = await api.AdminAsync();
        var prefix = $"lt-{Guid.NewGuid():N}"[..20];

        var response = await CreateAsync(admin, Guid.NewGuid().ToString(), new { count = 501, emailPrefix = prefix, password = Password });
        var badPrefix = await CreateAsync(admin, Guid.NewGuid().ToString(), new { count = 1, emailPrefix = "no spaces", password = Password });

        await ProblemAssert.IsValidationProblem(response, "count");
        await ProblemAssert.IsValidationProblem(badPrefix, "emailPrefix");
        var login = await api.Anonymous().PostAsJsonAsync("/auth/login", new { email = $"{prefix}-0@loadtest.supporter.local", password = Password });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    private static async Task<HttpResponseMessage> CreateAsync(HttpClient admin, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/load-test/supporters") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await admin.SendAsync(request);
    }

    private async Task<List<(Guid Id, string Email, string UserType)>> Me(HttpResponseMessage created)
    {
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var accounts = new List<(Guid, string, string)>();
        foreach (var supporter in body.GetProperty("supporters").EnumerateArray())
        {
            var me = await api.WithToken(supporter.GetProperty("tokens").GetProperty("accessToken").GetString()!).GetFromJsonAsync<JsonElement>("/auth/me");
            accounts.Add((me.GetProperty("id").GetGuid(), me.GetProperty("email").GetString()!, me.GetProperty("userType").GetString()!));
        }
        return accounts;
    }
}
