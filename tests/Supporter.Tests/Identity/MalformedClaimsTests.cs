using Supporter.ServiceDefaults.Identity;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

/// <summary>
/// Tokens signed with our key whose claims are not the ones we issue. Wherever a sign-in is needed each is a 401
/// naming the claim (never a 500 from an endpoint that read it); a public endpoint serves the caller as anonymous,
/// as it does with an expired token.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class MalformedClaimsTests(ApiFixture api)
{
    public enum Endpoint { SupporterOnly, SignedIn, AdminOnly, VenueStaff }

    private sealed record Target(string Path, List<(string Type, string Value)> Claims);

    // Named: whether the answer names the claim. A token whose 'sub' is a list does not even parse (IDX14101).
    private sealed record Malformation(string Name, string Claim, Func<List<(string Type, string Value)>, IEnumerable<(string Type, string Value)>> Apply, bool Named = true);

    private static readonly string Organisation = Guid.NewGuid().ToString("N");

    /// <summary>Each turns the claims of a token the endpoint accepts into ones we never issue.</summary>
    private static readonly Malformation[] Malformations =
    [
        new("sub is not a UUID", "sub", c => Replace(c, "sub", "fan-42")),
        new("sub is empty", "sub", c => Replace(c, "sub", "")),
        new("sub is the nil UUID", "sub", c => Replace(c, "sub", Guid.Empty.ToString())),
        new("sub is missing", "sub", c => Without(c, "sub")),
        new("sub twice", "sub", c => [.. c, ("sub", Guid.NewGuid().ToString())], Named: false),
        new("sid is not a UUID", "sid", c => Replace(c, "sid", "session-1")),
        new("sid is missing", "sid", c => Without(c, "sid")),
        new("user_type is unknown", "user_type", c => Replace(c, "user_type", "superuser")),
        new("user_type is missing", "user_type", c => Without(c, "user_type")),
        new("user_type twice", "user_type", c => [.. c, ("user_type", c.Single(x => x.Type == "user_type").Value == "admin" ? "supporter" : "admin")]),
        new("scope is unknown", "scope", c => [.. Without(c, "scope"), ("scope", "everything")]),
        new("scope twice", "scope", c => [.. Without(c, "scope"), ("scope", "supporter"), ("scope", "admin")]),
        new("org of an unknown kind", "org", c => [.. c, ("org", $"club:{Organisation}:owner")]),
        new("org with an unknown role", "org", c => [.. c, ("org", $"venue:{Organisation}:emperor")]),
        new("org id with dashes", "org", c => [.. c, ("org", $"venue:{Guid.Parse(Organisation)}:owner")]),
        new("org id in capitals", "org", c => [.. c, ("org", $"venue:{Organisation.ToUpperInvariant()}:owner")]),
        new("org id not hex", "org", c => [.. c, ("org", $"venue:{new string('z', 32)}:owner")]),
        new("org without a role", "org", c => [.. c, ("org", $"venue:{Organisation}")]),
        new("org with a part too many", "org", c => [.. c, ("org", $"venue:{Organisation}:owner:extra")]),
    ];

    [Theory]
    [InlineData(Endpoint.SupporterOnly)]
    [InlineData(Endpoint.SignedIn)]
    [InlineData(Endpoint.AdminOnly)]
    [InlineData(Endpoint.VenueStaff)]
    public async Task Every_malformed_claim_is_a_401_that_names_it(Endpoint endpoint)
    {
        var target = await TargetAsync(endpoint);
        // The same claims, well formed, get in: each refusal below is the malformed claim's doing.
        var wellFormed = await api.WithToken(TestJwt.Sign(target.Claims)).GetAsync(target.Path);
        Assert.True(wellFormed.StatusCode == HttpStatusCode.OK, $"{(int)wellFormed.StatusCode} {await wellFormed.Content.ReadAsStringAsync()}");

        var failures = new List<string>();
        foreach (var malformation in Malformations)
        {
            var response = await api.WithToken(TestJwt.Sign(malformation.Apply(target.Claims))).GetAsync(target.Path);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Unauthorized || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                failures.Add($"{malformation.Name}: {(int)response.StatusCode} {body}");
            else if (malformation.Named && JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString() is var detail && detail?.Contains($"'{malformation.Claim}'") != true)
                failures.Add($"{malformation.Name}: the answer does not name '{malformation.Claim}': {body}");
            else if (response.Headers.WwwAuthenticate.SingleOrDefault()?.Scheme != "Bearer")
                failures.Add($"{malformation.Name}: no 'WWW-Authenticate: Bearer'");
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task A_public_endpoint_serves_a_malformed_token_as_anonymous_like_an_expired_one()
    {
        var fan = await api.RegisterAsync();
        var claims = SupporterClaims(fan);
        const string path = "/supporter/events?limit=1";
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous().GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.WithToken(TestJwt.Sign(claims, expires: DateTime.UtcNow.AddMinutes(-2))).GetAsync(path)).StatusCode);

        foreach (var malformation in Malformations)
        {
            var response = await api.WithToken(TestJwt.Sign(malformation.Apply(claims))).GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{malformation.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task<Target> TargetAsync(Endpoint endpoint)
    {
        switch (endpoint)
        {
            case Endpoint.SupporterOnly:
                return new("/supporters/profile", SupporterClaims(await api.RegisterAsync()));
            case Endpoint.SignedIn:
                var artist = await api.RegisterAsync("artist");
                return new("/auth/me", [("sub", artist.UserId.ToString()), ("user_type", "artist"), ("sid", Guid.NewGuid().ToString()), ("email", artist.Email)]);
            case Endpoint.AdminOnly:
                var fan = await api.RegisterAsync();
                var admin = (await (await api.AdminAsync()).GetFromJsonAsync<JsonElement>("/auth/me")).GetProperty("id").GetGuid();
                return new($"/supporters/{fan.UserId}/profile", [("sub", admin.ToString()), ("user_type", "admin"), ("sid", Guid.NewGuid().ToString()), ("email", ApiFixture.AdminEmail)]);
            default:
                var owner = await api.RegisterAsync("venue");
                var venue = Guid.NewGuid();
                (await owner.Client!.PutAsJsonAsync($"/api/organisations/{venue}", new { kind = "venue", name = "Venue M" })).EnsureSuccessStatusCode();
                owner = await api.SignInAgainAsync(owner);
                var door = await api.RegisterAsync("venue");
                (await owner.Client!.PutAsJsonAsync($"/api/organisations/{venue}/members", new { email = door.Email, role = "door_staff" })).EnsureSuccessStatusCode();
                return new($"/api/organisations/{venue}",
                    [("sub", door.UserId.ToString()), ("user_type", "venue"), ("sid", Guid.NewGuid().ToString()), ("email", door.Email), ("org", $"venue:{venue:N}:door_staff")]);
        }
    }

    private static List<(string Type, string Value)> SupporterClaims(TestAccount fan) =>
        [("sub", fan.UserId.ToString()), ("user_type", "supporter"), ("scope", "supporter"), ("sid", Guid.NewGuid().ToString()), ("email", fan.Email)];

    private static IEnumerable<(string Type, string Value)> Replace(List<(string Type, string Value)> claims, string type, string value) =>
        claims.Select(c => c.Type == type ? (c.Type, value) : c);

    private static IEnumerable<(string Type, string Value)> Without(List<(string Type, string Value)> claims, string type) =>
        claims.Where(c => c.Type != type);
}
