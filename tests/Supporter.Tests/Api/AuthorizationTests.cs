using System.Net;
using System.Net.Http.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Api;

/// <summary>Every protected endpoint refuses the roles that must be refused, with ProblemDetails.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuthorizationTests(ApiFixture api)
{
    public enum Caller { Anonymous, WrongApiKey, Supporter, Admin }

    private static readonly string Hold = $"/api/showtimes/{Guid.NewGuid()}/ticket-types/GA/holds";

    public static TheoryData<string, string, Caller, HttpStatusCode> Refusals => new()
    {
        // Admin endpoints: only the admin key.
        { "PUT", $"/api/admin/showtimes/{Guid.NewGuid()}", Caller.Anonymous, HttpStatusCode.Unauthorized },
        { "PUT", $"/api/admin/showtimes/{Guid.NewGuid()}", Caller.WrongApiKey, HttpStatusCode.Unauthorized },
        { "PUT", $"/api/admin/showtimes/{Guid.NewGuid()}", Caller.Supporter, HttpStatusCode.Forbidden },
        // Hold endpoints: supporters only (an admin key is not a supporter).
        { "POST", Hold, Caller.Anonymous, HttpStatusCode.Unauthorized },
        { "POST", Hold, Caller.Admin, HttpStatusCode.Forbidden },
        { "GET", $"{Hold}/{Guid.NewGuid()}", Caller.Anonymous, HttpStatusCode.Unauthorized },
        { "GET", $"{Hold}/{Guid.NewGuid()}", Caller.Admin, HttpStatusCode.Forbidden },
        { "POST", $"{Hold}/{Guid.NewGuid()}/confirm", Caller.Anonymous, HttpStatusCode.Unauthorized },
        { "POST", $"{Hold}/{Guid.NewGuid()}/confirm", Caller.Admin, HttpStatusCode.Forbidden },
        { "DELETE", $"{Hold}/{Guid.NewGuid()}", Caller.Anonymous, HttpStatusCode.Unauthorized },
        { "DELETE", $"{Hold}/{Guid.NewGuid()}", Caller.WrongApiKey, HttpStatusCode.Unauthorized },
        { "DELETE", $"{Hold}/{Guid.NewGuid()}", Caller.Admin, HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refused(string method, string path, Caller caller, HttpStatusCode expected)
    {
        var client = caller switch
        {
            Caller.Admin => api.Admin(),
            Caller.Supporter => api.Supporter("fan"),
            _ => api.Anonymous(),
        };
        if (caller == Caller.WrongApiKey)
            client.DefaultRequestHeaders.Add("X-Api-Key", "not-the-key-at-all-0000");
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "PUT" or "POST")
            request.Content = JsonContent.Create(path.Contains("admin") ? ApiFixture.ShowtimeBody() : new { quantity = 1 });
        request.Headers.Add("X-Request-Id", Guid.NewGuid().ToString());

        await ProblemAssert.IsProblem(await client.SendAsync(request), expected);
    }

    [Fact]
    public async Task A_refused_admin_call_creates_nothing()
    {
        var id = Guid.NewGuid();
        await api.Supporter("fan").PutAsJsonAsync($"/api/admin/showtimes/{id}", ApiFixture.ShowtimeBody());
        await ProblemAssert.IsProblem(await api.Anonymous().GetAsync($"/api/showtimes/{id}"), HttpStatusCode.NotFound);
    }
}
