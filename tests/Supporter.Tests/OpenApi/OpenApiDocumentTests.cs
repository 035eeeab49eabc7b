using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.OpenApi;

/// <summary>
/// The document at /openapi/v1.json describes the Api as it answers: who must send a token, which problems each
/// operation can give, and numbers as numbers. (The fixture holds every response of the collection against it.)
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(ApiFixture api)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private async Task<JsonElement> DocumentAsync() => await api.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

    private static IEnumerable<(string Name, JsonElement Operation)> Operations(JsonElement document) =>
        from path in document.GetProperty("paths").EnumerateObject()
        from operation in path.Value.EnumerateObject()
        where Methods.Contains(operation.Name)
        select ($"{operation.Name.ToUpperInvariant()} {path.Name}", operation.Value);

    private static bool NeedsToken(JsonElement operation) =>
        operation.TryGetProperty("security", out var security) && security.EnumerateArray().Any(r => r.TryGetProperty("Bearer", out _));

    private static HashSet<string> Statuses(JsonElement operation) => [.. operation.GetProperty("responses").EnumerateObject().Select(r => r.Name)];

    [Fact]
    public async Task The_document_has_a_title_a_description_and_the_bearer_scheme()
    {
        var document = await DocumentAsync();

        Assert.Equal("Supporter API", document.GetProperty("info").GetProperty("title").GetString());
        Assert.Contains("Authorization: Bearer", document.GetProperty("info").GetProperty("description").GetString());
        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        Assert.Equal("JWT", bearer.GetProperty("bearerFormat").GetString());
    }

    [Fact]
    public async Task Every_operation_has_a_summary_and_one_that_needs_a_token_declares_the_scheme_and_401()
    {
        var document = await DocumentAsync();
        var failures = new List<string>();

        foreach (var (name, operation) in Operations(document))
        {
            if (!operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
                failures.Add($"{name}: no summary");
            var statuses = Statuses(operation);
            if (NeedsToken(operation) && !statuses.Contains("401"))
                failures.Add($"{name}: needs a token but declares no 401");
            if (!NeedsToken(operation) && statuses.Contains("403") && !statuses.Contains("401") && name != "POST /auth/login")
                failures.Add($"{name}: declares 403 without a token requirement");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Anonymous_operations_need_no_token_and_authorized_ones_do()
    {
        var operations = Operations(await DocumentAsync()).ToDictionary(o => o.Name, o => o.Operation);

        Assert.False(NeedsToken(operations["GET /api/showtimes/{showtimeId}"]));
        Assert.False(NeedsToken(operations["POST /auth/login"]));
        Assert.False(NeedsToken(operations["POST /webhooks/stripe"]));
        Assert.True(NeedsToken(operations["POST /api/showtimes/{showtimeId}/ticket-types/{ticketType}/holds"]));
        Assert.True(NeedsToken(operations["GET /admin/audit"]));
        // Only policies beyond "any valid token" can refuse a signed-in caller by themselves.
        Assert.Contains("403", Statuses(operations["GET /admin/audit"]));
        Assert.DoesNotContain("403", Statuses(operations["GET /auth/me"]));
    }

    [Fact]
    public async Task Problems_are_declared_as_problem_json_and_retryable_ones_say_when()
    {
        var operations = Operations(await DocumentAsync()).ToDictionary(o => o.Name, o => o.Operation);
        var hold = operations["POST /api/showtimes/{showtimeId}/ticket-types/{ticketType}/holds"].GetProperty("responses");

        foreach (var status in new[] { "400", "401", "403", "404", "409", "413", "503" })
            Assert.True(hold.GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _), $"{status} is not problem+json");
        Assert.Contains("HttpValidationProblemDetails", hold.GetProperty("400").GetProperty("content").GetProperty("application/problem+json").GetRawText());
        Assert.True(hold.GetProperty("503").GetProperty("headers").TryGetProperty("Retry-After", out _));
        Assert.True(operations["POST /auth/login"].GetProperty("responses").GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _));
        Assert.Contains("422", Statuses(operations["POST /supporter/orders"]));
        // Nothing here reaches the cluster or the database, so it cannot be unavailable.
        Assert.DoesNotContain("503", Statuses(operations["GET /auth/oauth/{provider}/start"]));
    }

    [Fact]
    public async Task Integers_are_integers_not_integer_or_string()
    {
        var document = await DocumentAsync();
        var quantity = document.GetProperty("components").GetProperty("schemas").GetProperty("CreateHoldRequest")
            .GetProperty("properties").GetProperty("quantity");

        Assert.Equal("integer", quantity.GetProperty("type").GetString());
        Assert.False(quantity.TryGetProperty("pattern", out _));
        var loose = new List<string>();
        FindLooseNumbers(document, "$", loose);
        Assert.True(loose.Count == 0, "Numbers that also read as strings: " + string.Join(", ", loose));
    }

    [Fact]
    public async Task A_number_sent_as_a_string_is_a_400_naming_the_field_and_holds_nothing()
    {
        var showtime = await api.CreateShowtimeAsync();
        var fan = await api.SupporterAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/showtimes/{showtime}/ticket-types/GA/holds")
        {
            Content = new StringContent("""{"quantity":"1"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Request-Id", Guid.NewGuid().ToString());

        var response = await fan.SendAsync(request);

        await ProblemAssert.IsValidationProblem(response, "quantity");
        var allowance = await fan.GetFromJsonAsync<JsonElement>($"/api/showtimes/{showtime}/allowance");
        Assert.Equal(0, allowance.GetProperty("counted").GetInt32());
        var availability = await api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/showtimes/{showtime}/availability");
        Assert.All(availability.GetProperty("ticketTypes").EnumerateArray(), t => Assert.Equal(0, t.GetProperty("held").GetInt32()));
    }

    [Fact]
    public async Task A_nested_number_sent_as_a_string_names_its_path()
    {
        var admin = await api.AdminAsync();
        var body = JsonSerializer.Serialize(ApiFixture.ShowtimeBody()).Replace("\"allocation\":90", "\"allocation\":\"90\"", StringComparison.Ordinal);
        var showtime = Guid.NewGuid();

        var response = await admin.PutAsync(ApiFixture.ShowtimePath(showtime), new StringContent(body, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsValidationProblem(response, "ticketTypes[0].allocation");
        Assert.Equal(HttpStatusCode.NotFound, (await api.Anonymous().GetAsync($"/api/showtimes/{showtime}")).StatusCode);
    }

    [Fact]
    public async Task Every_response_so_far_is_declared_by_the_document()
    {
        // The whole collection's responses are checked when the fixture is disposed; this names what is wrong early.
        var undeclared = await api.Responses.UndeclaredAsync(api.Api);

        Assert.True(undeclared.Count == 0, string.Join(Environment.NewLine, undeclared));
    }

    [Fact]
    public async Task The_check_sees_real_responses_and_names_an_undeclared_status()
    {
        var showtime = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await api.Anonymous().GetAsync($"/api/showtimes/{showtime}")).StatusCode);
        Assert.True(api.Responses.HasSeen("GET", "/api/showtimes/{showtimeId}", 404));

        var responses = new DocumentedResponses();
        responses.Saw("GET", "/api/showtimes/{showtimeId}", StatusCodes.Status418ImATeapot, $"/api/showtimes/{showtime}");
        responses.Saw("GET", "/api/showtimes/{showtimeId}", StatusCodes.Status404NotFound, $"/api/showtimes/{showtime}");

        var undeclared = Assert.Single(await responses.UndeclaredAsync(api.Api));
        Assert.StartsWith("GET /api/showtimes/{showtimeId} answered 418", undeclared);
    }

    private static void FindLooseNumbers(JsonElement element, string path, List<string> loose)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array)
                {
                    var types = type.EnumerateArray().Select(t => t.GetString()).ToList();
                    if (types.Contains("string") && (types.Contains("integer") || types.Contains("number")))
                        loose.Add(path);
                }
                foreach (var property in element.EnumerateObject())
                    FindLooseNumbers(property.Value, $"{path}.{property.Name}", loose);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                    FindLooseNumbers(item, $"{path}[{i++}]", loose);
                break;
        }
    }
}
