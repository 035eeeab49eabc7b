using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Idempotency;

/// <summary>
/// One convention for every keyed command: the Idempotency-Key header (X-Request-Id still taken where it was), one
/// length and character rule, one 400 naming the header, one 422 for a key sent with another request.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IdempotencyConventionTests(ApiFixture api)
{
    private const string Fixed = "1d3e0000-0000-4000-8000-000000000001";

    private static string Holds(Guid showtimeId, string type = "GA") => $"/api/showtimes/{showtimeId}/ticket-types/{type}/holds";

    private static HttpRequestMessage Post(string path, object body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static async Task IsKeyReused(HttpResponseMessage response)
    {
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/problems/idempotency-key-reused", problem.GetProperty("type").GetString());
        Assert.Equal("Idempotency key reused", problem.GetProperty("title").GetString());
        Assert.Equal("Idempotency-Key", problem.GetProperty("field").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    private async Task<int> Remaining(Guid showtimeId, string type = "GA")
    {
        var availability = await api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/showtimes/{showtimeId}/availability");
        return availability.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == type).GetProperty("remaining").GetInt32();
    }

    public static TheoryData<string> BadKeys => new() { "", " ", "two words", new string('k', 129), "tab\there", "caf\u00e9" };

    public static TheoryData<string, string> KeyedEndpoints => new()
    {
        { "supporter", "/supporter/orders" },
        { "supporter", $"/supporter/orders/{Fixed}/refunds" },
        { "admin", $"/admin/orders/{Fixed}/refunds" },
        { "supporter", $"/supporter/tickets/{Fixed}/transfers" },
        { "supporter", $"/api/showtimes/{Fixed}/ticket-types/GA/holds" },
        { "anonymous", "/auth/register" },
    };

    private async Task<HttpClient> Caller(string who) => who switch
    {
        "admin" => await api.AdminAsync(),
        "supporter" => await api.SupporterAsync(),
        _ => api.Anonymous(),
    };

    [Theory]
    [MemberData(nameof(KeyedEndpoints))]
    public async Task Every_keyed_command_refuses_a_missing_or_malformed_key_with_one_answer_naming_the_header(string who, string path)
    {
        var caller = await Caller(who);
        await ProblemAssert.IsValidationProblem(await caller.SendAsync(Post(path, new { })), "Idempotency-Key");
        await ProblemAssert.IsValidationProblem(await caller.SendAsync(Post(path, new { }, ("Idempotency-Key", new string('k', 129)))), "Idempotency-Key");
    }

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task A_hold_with_a_key_outside_the_rule_is_refused_and_holds_nothing(string key)
    {
        var showtime = await api.CreateShowtimeAsync();
        var fan = await api.SupporterAsync();

        var response = await fan.SendAsync(Post(Holds(showtime), new { quantity = 1 }, ("Idempotency-Key", key)));

        await ProblemAssert.IsValidationProblem(response, "Idempotency-Key");
        Assert.Equal(90, await Remaining(showtime));
    }

    [Fact]
    public async Task A_key_of_the_longest_length_is_taken()
    {
        var showtime = await api.CreateShowtimeAsync();
        var fan = await api.SupporterAsync();

        await Infrastructure.Catalogue.Ok(await fan.SendAsync(Post(Holds(showtime), new { quantity = 1 }, ("Idempotency-Key", new string('k', 128)))));
        Assert.Equal(89, await Remaining(showtime));
    }

    [Fact]
    public async Task A_hold_retried_with_either_header_is_one_hold_and_another_quantity_is_refused()
    {
        var showtime = await api.CreateShowtimeAsync();
        var fan = await api.SupporterAsync();
        var key = $"hold-{Guid.NewGuid()}";

        var first = await Infrastructure.Catalogue.Ok(await fan.SendAsync(Post(Holds(showtime), new { quantity = 2 }, ("Idempotency-Key", key))));
        var byRequestId = await Infrastructure.Catalogue.Ok(await fan.SendAsync(Post(Holds(showtime), new { quantity = 2 }, ("X-Request-Id", key))));
        var byBoth = await Infrastructure.Catalogue.Ok(await fan.SendAsync(Post(Holds(showtime), new { quantity = 2 }, ("Idempotency-Key", key), ("X-Request-Id", key))));

        Assert.Equal(first.GetProperty("holdId").GetGuid(), byRequestId.GetProperty("holdId").GetGuid());
        Assert.Equal(first.GetProperty("holdId").GetGuid(), byBoth.GetProperty("holdId").GetGuid());
        Assert.Equal(88, await Remaining(showtime));

        await IsKeyReused(await fan.SendAsync(Post(Holds(showtime), new { quantity = 3 }, ("Idempotency-Key", key))));
        await IsKeyReused(await fan.SendAsync(Post(Holds(showtime), new { quantity = 3 }, ("X-Request-Id", key))));
        Assert.Equal(88, await Remaining(showtime));
    }

    [Fact]
    public async Task Two_different_keys_in_the_two_headers_are_refused_and_hold_nothing()
    {
        var showtime = await api.CreateShowtimeAsync();
        var fan = await api.SupporterAsync();

        var response = await fan.SendAsync(Post(Holds(showtime), new { quantity = 1 }, ("Idempotency-Key", "one"), ("X-Request-Id", "other")));

        await ProblemAssert.IsValidationProblem(response, "Idempotency-Key");
        Assert.Equal(90, await Remaining(showtime));
    }

    [Fact]
    public async Task An_order_retried_with_its_key_is_one_order_and_the_key_with_other_lines_is_refused()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var fan = await api.SupporterAsync();
        var ga = await Purchases.HoldAsync(fan, showtime, "GA", 1);
        var vip = await Purchases.HoldAsync(fan, showtime, "VIP", 1);
        var key = Guid.NewGuid().ToString();

        var first = await Infrastructure.Catalogue.Ok(await Purchases.PlaceAsync(fan, key, Purchases.Line(showtime, "GA", ga)));
        var retried = await Infrastructure.Catalogue.Ok(await Purchases.PlaceAsync(fan, key, Purchases.Line(showtime, "GA", ga)));
        Assert.Equal(first.Id(), retried.Id());
        Assert.Equal(first.IntentId(), retried.IntentId());

        await IsKeyReused(await Purchases.PlaceAsync(fan, key, Purchases.Line(showtime, "VIP", vip)));
        var orders = await Infrastructure.Catalogue.Ok(await fan.GetAsync("/supporter/orders"));
        Assert.Equal(first.Id(), Assert.Single(orders.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        // Orders never took X-Request-Id, and still do not.
        var byRequestId = Post("/supporter/orders", new { lines = new[] { Purchases.Line(showtime, "VIP", vip) } }, ("X-Request-Id", Guid.NewGuid().ToString()));
        await ProblemAssert.IsValidationProblem(await fan.SendAsync(byRequestId), "Idempotency-Key");
    }

    [Fact]
    public async Task A_refund_and_a_transfer_retried_with_their_keys_happen_once_and_their_keys_with_other_bodies_are_refused()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var buyer = await api.RegisterAsync();
        var recipient = await api.RegisterAsync();
        var other = await api.RegisterAsync();
        var order = await Purchases.PaidOrderAsync(api, buyer.Client!, showtime, ga: 2);
        var (refunded, offered) = (order.TicketIds()[0], order.TicketIds()[1]);
        var admin = await api.AdminAsync();

        var refundKey = Guid.NewGuid().ToString();
        var refund = await Infrastructure.Catalogue.Ok(await admin.PostKeyedAsync($"/admin/orders/{order.Id()}/refunds", new { ticketIds = new[] { refunded } }, refundKey));
        var refundAgain = await Infrastructure.Catalogue.Ok(await admin.PostKeyedAsync($"/admin/orders/{order.Id()}/refunds", new { ticketIds = new[] { refunded } }, refundKey));
        Assert.Equal(refund.GetProperty("id").GetGuid(), refundAgain.GetProperty("id").GetGuid());
        await IsKeyReused(await admin.PostKeyedAsync($"/admin/orders/{order.Id()}/refunds", new { ticketIds = new[] { offered } }, refundKey));
        await IsKeyReused(await admin.PostKeyedAsync($"/admin/orders/{order.Id()}/refunds", new { amountMinor = 100 }, refundKey));
        Assert.Single((await Purchases.GetOrderAsync(buyer.Client!, order.Id())).GetProperty("refunds").EnumerateArray());

        var transferKey = Guid.NewGuid().ToString();
        var transfers = $"/supporter/tickets/{offered}/transfers";
        var transfer = await Infrastructure.Catalogue.Ok(await buyer.Client!.PostKeyedAsync(transfers, new { supporterId = recipient.UserId }, transferKey));
        var transferAgain = await Infrastructure.Catalogue.Ok(await buyer.Client!.PostKeyedAsync(transfers, new { supporterId = recipient.UserId }, transferKey));
        Assert.Equal(transfer.GetProperty("id").GetGuid(), transferAgain.GetProperty("id").GetGuid());
        await IsKeyReused(await buyer.Client!.PostKeyedAsync(transfers, new { supporterId = other.UserId }, transferKey));
        var outgoing = await Infrastructure.Catalogue.Ok(await buyer.Client!.GetAsync("/supporter/transfers?direction=outgoing"));
        Assert.Equal(transfer.GetProperty("id").GetGuid(), Assert.Single(outgoing.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_registration_takes_either_header_and_refuses_two_different_keys()
    {
        var email = Accounts.UniqueEmail();
        var body = Accounts.RegistrationBody(email);
        var anonymous = api.Anonymous();

        await ProblemAssert.IsValidationProblem(
            await anonymous.SendAsync(Post("/auth/register", body, ("Idempotency-Key", "one"), ("X-Request-Id", "other"))), "Idempotency-Key");
        Assert.False(api.Mail.HasUnread(email));

        var key = Guid.NewGuid().ToString();
        var first = await anonymous.SendAsync(Post("/auth/register", body, ("Idempotency-Key", key)));
        var retry = await anonymous.SendAsync(Post("/auth/register", body, ("X-Request-Id", key)));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, retry.StatusCode));
        await using var connection = new Npgsql.NpgsqlConnection(api.Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM users WHERE email = @email", connection);
        count.Parameters.AddWithValue("email", email);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
        Assert.Equal(HttpStatusCode.OK, (await Accounts.VerifyAsync(anonymous, await Accounts.VerificationTokenAsync(api.Mail, email))).StatusCode);
    }

    [Fact]
    public async Task The_document_declares_the_header_on_keyed_commands_only()
    {
        var document = await Infrastructure.Catalogue.Ok(await api.Anonymous().GetAsync("/openapi/v1.json"));
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(o => o.Value.TryGetProperty("operationId", out _)))
            .ToDictionary(o => o.Value.GetProperty("operationId").GetString()!, o => o.Value);

        string[] Headers(string operationId) => operations[operationId].TryGetProperty("parameters", out var parameters)
            ? [.. parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "header").Select(p => p.GetProperty("name").GetString()!)]
            : [];

        foreach (var keyed in new[] { "PlaceOrder", "RefundOrder", "AdminRefundOrder", "OfferTransfer" })
            Assert.Equal(["Idempotency-Key"], Headers(keyed));
        foreach (var keyed in new[] { "CreateHold", "Register" })
            Assert.Equal(["Idempotency-Key", "X-Request-Id"], Headers(keyed));
        foreach (var unkeyed in new[] { "ReleaseHold", "CancelTransfer", "PublishEvent", "ReplaceProfile" })
            Assert.DoesNotContain("Idempotency-Key", Headers(unkeyed));
        var required = operations["PlaceOrder"].GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.True(required.GetProperty("required").GetBoolean());
        Assert.Equal(128, required.GetProperty("schema").GetProperty("maxLength").GetInt32());
    }
}
