using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Supporters;

[Collection(ApiCollection.Name)]
public sealed class ProfileTests(ApiFixture api)
{
    private static readonly object FullProfile = new
    {
        displayName = "Sam Gig",
        homeCity = "Glasgow",
        favouriteGenres = new[] { "Folk", "folk", " metal " },
        marketingConsent = false,
        locale = "en-GB",
    };

    [Fact]
    public async Task Put_replaces_the_editable_fields_and_patch_changes_only_what_it_names()
    {
        var fan = await api.RegisterAsync();

        var put = await fan.Client!.PutAsJsonAsync("/supporters/profile", FullProfile);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var replaced = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["Folk", "metal"], replaced.GetProperty("favouriteGenres").EnumerateArray().Select(g => g.GetString()));

        var patch = await fan.Client!.PatchAsJsonAsync("/supporters/profile", new { homeCity = "Cardiff" });
        var patched = await patch.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Sam Gig", "Cardiff", false), (patched.GetProperty("displayName").GetString(), patched.GetProperty("homeCity").GetString(),
            patched.GetProperty("marketingConsent").GetBoolean()));

        var read = await fan.Client!.GetFromJsonAsync<JsonElement>("/supporters/profile");
        Assert.Equal("Cardiff", read.GetProperty("homeCity").GetString());
        Assert.Equal(fan.ReferrerCode, read.GetProperty("referrerCode").GetString());
        Assert.Equal(JsonValueKind.Null, read.GetProperty("payment").GetProperty("defaultPaymentMethod").ValueKind);
    }

    [Fact]
    public async Task The_default_payment_method_is_the_card_saved_at_checkout_until_it_is_removed()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var fan = await api.RegisterAsync();
        var before = await fan.Client!.GetFromJsonAsync<JsonElement>("/supporters/profile");
        Assert.Equal(JsonValueKind.Null, before.GetProperty("payment").GetProperty("defaultPaymentMethod").ValueKind);

        var (_, saved) = await SavedCards.SaveCardAsync(api, fan.Client!, showtime, "pm_card_visa");

        var own = (await fan.Client!.GetFromJsonAsync<JsonElement>("/supporters/profile")).GetProperty("payment").GetProperty("defaultPaymentMethod");
        Assert.Equal((saved.GetProperty("id").GetString(), "visa", "4242"),
            (own.GetProperty("id").GetString(), own.GetProperty("brand").GetString(), own.GetProperty("last4").GetString()));
        Assert.Equal(saved.GetProperty("expYear").GetInt32(), own.GetProperty("expYear").GetInt32());
        var asAdmin = await (await api.AdminAsync()).GetFromJsonAsync<JsonElement>($"/supporters/{fan.UserId}/profile");
        Assert.Equal(saved.GetProperty("id").GetString(), asAdmin.GetProperty("payment").GetProperty("defaultPaymentMethod").GetProperty("id").GetString());
        var patched = await (await fan.Client!.PatchAsJsonAsync("/supporters/profile", new { homeCity = "Leeds" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(saved.GetProperty("id").GetString(), patched.GetProperty("payment").GetProperty("defaultPaymentMethod").GetProperty("id").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await fan.Client!.DeleteAsync(SavedCards.DefaultCard)).StatusCode);
        var after = await fan.Client!.GetFromJsonAsync<JsonElement>("/supporters/profile");
        Assert.Equal(JsonValueKind.Null, after.GetProperty("payment").GetProperty("defaultPaymentMethod").ValueKind);
    }

    public static TheoryData<string, object> BadProfiles => new()
    {
        { "displayName", new { displayName = "" } },
        { "displayName", new { displayName = new string('x', 81) } },
        { "homeCity", new { homeCity = new string('x', 101) } },
        { "favouriteGenres", new { favouriteGenres = Enumerable.Range(0, 21).Select(i => $"genre {i}").ToArray() } },
        { "locale", new { locale = "xx_YY" } },
    };

    [Theory]
    [MemberData(nameof(BadProfiles))]
    public async Task Bad_profile_changes_name_the_field_and_change_nothing(string field, object patch)
    {
        var fan = await api.RegisterAsync();
        var before = await fan.Client!.GetStringAsync("/supporters/profile");

        await ProblemAssert.IsValidationProblem(await fan.Client!.PatchAsJsonAsync("/supporters/profile", patch), field);

        Assert.Equal(before, await fan.Client!.GetStringAsync("/supporters/profile"));
    }

    [Fact]
    public async Task A_put_must_name_every_field()
    {
        var fan = await api.RegisterAsync();
        await ProblemAssert.IsValidationProblem(await fan.Client!.PutAsJsonAsync("/supporters/profile", new { displayName = "Only this" }), "locale");
    }

    [Fact]
    public async Task Preferences_are_replaced_and_read_back()
    {
        var fan = await api.RegisterAsync();
        var venue = Guid.NewGuid();
        var body = new
        {
            presaleAlerts = new { artists = new[] { "The Demo Tapes", "the demo tapes" }, venues = new[] { venue }, genres = new[] { "punk" } },
            channels = new { email = false, push = true },
            quietHours = new { start = "23:30", end = "07:00", timeZone = "Europe/London" },
            walletAutoAdd = new { apple = true, google = false },
        };

        var response = await fan.Client!.PutAsJsonAsync("/supporters/preferences", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = await fan.Client!.GetFromJsonAsync<JsonElement>("/supporters/preferences");
        Assert.Equal(["The Demo Tapes"], read.GetProperty("presaleAlerts").GetProperty("artists").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(venue, read.GetProperty("presaleAlerts").GetProperty("venues")[0].GetGuid());
        Assert.True(read.GetProperty("channels").GetProperty("push").GetBoolean());
        Assert.Equal(("23:30", "07:00", "Europe/London"), (read.GetProperty("quietHours").GetProperty("start").GetString(),
            read.GetProperty("quietHours").GetProperty("end").GetString(), read.GetProperty("quietHours").GetProperty("timeZone").GetString()));
        Assert.True(read.GetProperty("walletAutoAdd").GetProperty("apple").GetBoolean());
    }

    public static TheoryData<string, object> BadPreferences => new()
    {
        { "presaleAlerts", new { channels = new { email = true, push = false }, walletAutoAdd = new { apple = false, google = false } } },
        { "quietHours.timeZone", Preferences(quietHours: new { start = "22:00", end = "08:00", timeZone = "Mars/Olympus_Mons" }) },
        { "quietHours.start", Preferences(quietHours: new { start = "25:00", end = "08:00", timeZone = "UTC" }) },
        { "quietHours", Preferences(quietHours: new { start = "08:00", end = "08:00", timeZone = "UTC" }) },
        { "presaleAlerts.venues", Preferences(venues: [Guid.Empty]) },
        { "presaleAlerts.artists", Preferences(artists: [""]) },
    };

    private static object Preferences(object? quietHours = null, Guid[]? venues = null, string[]? artists = null) => new
    {
        presaleAlerts = new { artists = artists ?? [], venues = venues ?? [], genres = Array.Empty<string>() },
        channels = new { email = true, push = false },
        quietHours,
        walletAutoAdd = new { apple = false, google = false },
    };

    [Theory]
    [MemberData(nameof(BadPreferences))]
    public async Task Bad_preferences_name_the_field_and_change_nothing(string field, object body)
    {
        var fan = await api.RegisterAsync();
        var before = await fan.Client!.GetStringAsync("/supporters/preferences");

        await ProblemAssert.IsValidationProblem(await fan.Client!.PutAsJsonAsync("/supporters/preferences", body), field);

        Assert.Equal(before, await fan.Client!.GetStringAsync("/supporters/preferences"));
    }

    [Fact]
    public async Task Admins_read_any_profile_and_supporters_only_their_own()
    {
        var fan = await api.RegisterAsync();
        var other = await api.RegisterAsync();

        var asAdmin = await (await api.AdminAsync()).GetFromJsonAsync<JsonElement>($"/supporters/{fan.UserId}/profile");
        Assert.Equal(fan.Email, asAdmin.GetProperty("email").GetString());
        await ProblemAssert.IsProblem(await other.Client!.GetAsync($"/supporters/{fan.UserId}/profile"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblem(await (await api.AdminAsync()).GetAsync($"/supporters/{Guid.NewGuid()}/profile"), HttpStatusCode.NotFound);
        await ProblemAssert.IsValidationProblem(await (await api.AdminAsync()).GetAsync("/supporters/not-an-id/profile"), "userId");
    }
}
