using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Notifications;

/// <summary>A supporter's app registers, lists and removes its push devices through the API.</summary>
[Collection(ApiCollection.Name)]
public sealed class PushDevicesApiTests(ApiFixture api)
{
    private static string Token() => $"fcm-{Guid.NewGuid():N}:APA91bHun4MxP5egoKMwt2KZFBaFUH";

    [Fact]
    public async Task A_device_is_registered_once_listed_and_removed()
    {
        var fan = (await api.RegisterAsync()).Client!;
        var token = Token();

        var created = await fan.PutAsJsonAsync($"/supporters/push-devices/{token}", new { platform = "android" });
        var again = await fan.PutAsJsonAsync($"/supporters/push-devices/{token}", new { platform = "ANDROID" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var device = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((token, "android"), (device.GetProperty("token").GetString(), device.GetProperty("platform").GetString()));
        var listed = await fan.GetFromJsonAsync<JsonElement>("/supporters/push-devices");
        Assert.Equal([token], listed.EnumerateArray().Select(d => d.GetProperty("token").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await fan.DeleteAsync($"/supporters/push-devices/{token}")).StatusCode);
        await ProblemAssert.IsProblem(await fan.DeleteAsync($"/supporters/push-devices/{token}"), HttpStatusCode.NotFound);
        Assert.Empty((await fan.GetFromJsonAsync<JsonElement>("/supporters/push-devices")).EnumerateArray());
    }

    [Fact]
    public async Task A_token_registered_by_another_supporter_moves_to_them()
    {
        var (first, second) = ((await api.RegisterAsync()).Client!, (await api.RegisterAsync()).Client!);
        var token = Token();

        (await first.PutAsJsonAsync($"/supporters/push-devices/{token}", new { platform = "ios" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await second.PutAsJsonAsync($"/supporters/push-devices/{token}", new { platform = "ios" })).StatusCode);

        Assert.Empty((await first.GetFromJsonAsync<JsonElement>("/supporters/push-devices")).EnumerateArray());
        Assert.Single((await second.GetFromJsonAsync<JsonElement>("/supporters/push-devices")).EnumerateArray());
    }

    [Fact]
    public async Task A_registration_without_a_known_platform_is_refused_naming_the_field()
    {
        var fan = (await api.RegisterAsync()).Client!;

        await ProblemAssert.IsValidationProblem(await fan.PutAsJsonAsync($"/supporters/push-devices/{Token()}", new { platform = "blackberry" }), "platform");
        await ProblemAssert.IsValidationProblem(await fan.PutAsJsonAsync($"/supporters/push-devices/{Token()}", new { }), "platform");
        await ProblemAssert.IsValidationProblem(await fan.PutAsJsonAsync($"/supporters/push-devices/{new string('x', 4097)}", new { platform = "web" }), "token");
    }
}
