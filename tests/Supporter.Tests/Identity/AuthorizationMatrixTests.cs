using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

/// <summary>
/// Every endpoint called as every kind of caller. The target resources belong to <c>Supporter</c> (a profile, a
/// hold) and to venue V (its door staff are <c>DoorStaff</c>); <c>OtherVenue</c> owns a different venue.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuthorizationMatrixTests(ApiFixture api)
{
    public enum Caller { Anonymous, Supporter, OtherSupporter, OtherVenue, DoorStaff, Admin }

    private sealed record Row(string Method, string Pattern, Func<World, string> Path, Func<World, object?> Body, IReadOnlyDictionary<Caller, HttpStatusCode> Expected);

    private sealed record World(
        IReadOnlyDictionary<Caller, HttpClient> Clients, Guid Venue, Guid Showtime, Guid Hold, TestAccount Supporter, TestAccount OtherSupporter, Guid Event,
        Guid EventShowtime, Guid Tour, Guid Order, Guid Ticket);

    /// <summary>Endpoints anyone may call; everything else must be in <see cref="Rows"/>.</summary>
    private static readonly HashSet<string> Public =
    [
        "POST /auth/register", "POST /auth/login", "POST /auth/refresh", "POST /auth/verify-email", "POST /auth/resend-verification",
        "POST /auth/password-reset", "POST /auth/password-reset/confirm",
        "GET /auth/oauth/{provider}/start", "GET /auth/oauth/{provider}/callback",
        "GET /api/showtimes/{showtimeId}", "GET /api/showtimes/{showtimeId}/availability",
        "GET /api/venues/{venueId}", "GET /supporter/events", "GET /supporter/events/{eventId}",
        "* /health/live", "* /health/ready", "GET /openapi/{documentName}.json",
        "GET /docs/{documentName?}", "GET /docs/scalar.js", "GET /docs/scalar.aspnetcore.js", "GET /docs/favicon.svg",
    ];

    private const HttpStatusCode Unauthorized = HttpStatusCode.Unauthorized, Forbidden = HttpStatusCode.Forbidden, Ok = HttpStatusCode.OK,
        Created = HttpStatusCode.Created, NoContent = HttpStatusCode.NoContent, NotFound = HttpStatusCode.NotFound, BadRequest = HttpStatusCode.BadRequest;

    private static Dictionary<Caller, HttpStatusCode> Expect(HttpStatusCode anonymous, HttpStatusCode supporter, HttpStatusCode otherSupporter,
        HttpStatusCode otherVenue, HttpStatusCode doorStaff, HttpStatusCode admin) => new()
    {
        [Caller.Anonymous] = anonymous, [Caller.Supporter] = supporter, [Caller.OtherSupporter] = otherSupporter,
        [Caller.OtherVenue] = otherVenue, [Caller.DoorStaff] = doorStaff, [Caller.Admin] = admin,
    };

    private static readonly object Profile = new { displayName = "Fan", homeCity = "", favouriteGenres = Array.Empty<string>(), marketingConsent = false, locale = "en" };
    private static readonly object Preferences = new
    {
        presaleAlerts = new { artists = Array.Empty<string>(), venues = Array.Empty<Guid>(), genres = Array.Empty<string>() },
        channels = new { email = true, push = false },
        walletAutoAdd = new { apple = false, google = false },
    };

    private static string Holds(World w) => $"/api/showtimes/{w.Showtime}/ticket-types/GA/holds";

    private static readonly Row[] Rows =
    [
        // The public signing keys: anyone may fetch them to check a token.
        new("GET", "/.well-known/jwks.json", _ => "/.well-known/jwks.json", _ => null, Expect(Ok, Ok, Ok, Ok, Ok, Ok)),
        new("GET", "/auth/me", _ => "/auth/me", _ => null, Expect(Unauthorized, Ok, Ok, Ok, Ok, Ok)),
        new("GET", "/auth/linked-accounts", _ => "/auth/linked-accounts", _ => null, Expect(Unauthorized, Ok, Ok, Ok, Ok, Ok)),
        new("DELETE", "/auth/linked-accounts/{provider}/{subject}", _ => $"/auth/linked-accounts/google/{Guid.NewGuid():N}", _ => null,
            Expect(Unauthorized, NotFound, NotFound, NotFound, NotFound, NotFound)),
        new("POST", "/auth/oauth/link", _ => "/auth/oauth/link", _ => new { linkToken = "forged" }, Expect(Unauthorized, BadRequest, BadRequest, BadRequest, BadRequest, BadRequest)),
        new("GET", "/supporters/profile", _ => "/supporters/profile", _ => null, Expect(Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden)),
        new("PUT", "/supporters/profile", _ => "/supporters/profile", _ => Profile, Expect(Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden)),
        new("PATCH", "/supporters/profile", _ => "/supporters/profile", _ => new { homeCity = "Hull" }, Expect(Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden)),
        new("GET", "/supporters/preferences", _ => "/supporters/preferences", _ => null, Expect(Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden)),
        new("PUT", "/supporters/preferences", _ => "/supporters/preferences", _ => Preferences, Expect(Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden)),
        new("POST", "/supporters/referral", _ => "/supporters/referral", _ => new { referrerCode = "00000000" }, Expect(Unauthorized, BadRequest, BadRequest, Forbidden, Forbidden, Forbidden)),
        new("GET", "/supporters/push-devices", _ => "/supporters/push-devices", _ => null, Expect(Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden)),
        new("PUT", "/supporters/push-devices/{token}", _ => $"/supporters/push-devices/fcm-{Guid.NewGuid():N}", _ => new { platform = "android" },
            Expect(Unauthorized, Created, Created, Forbidden, Forbidden, Forbidden)),
        new("DELETE", "/supporters/push-devices/{token}", _ => $"/supporters/push-devices/fcm-{Guid.NewGuid():N}", _ => null,
            Expect(Unauthorized, NotFound, NotFound, Forbidden, Forbidden, Forbidden)),
        new("GET", "/supporters/payment-methods/default", _ => "/supporters/payment-methods/default", _ => null,
            Expect(Unauthorized, NotFound, NotFound, Forbidden, Forbidden, Forbidden)),
        new("DELETE", "/supporters/payment-methods/default", _ => "/supporters/payment-methods/default", _ => null,
            Expect(Unauthorized, NotFound, NotFound, Forbidden, Forbidden, Forbidden)),
        new("GET", "/supporters/{userId}/profile", w => $"/supporters/{w.Supporter.UserId}/profile", _ => null, Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
        new("GET", "/supporters/{userId}/preferences", w => $"/supporters/{w.Supporter.UserId}/preferences", _ => null, Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
        new("PUT", "/api/organisations/{organisationId}", _ => $"/api/organisations/{Guid.NewGuid()}", _ => new { kind = "booking_agency", name = "Agency" },
            Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, BadRequest)),
        new("GET", "/api/organisations/{organisationId}", w => $"/api/organisations/{w.Venue}", _ => null, Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Ok, Ok)),
        new("PUT", "/api/organisations/{organisationId}/members", w => $"/api/organisations/{w.Venue}/members", w => new { email = w.OtherSupporter.Email, role = "door_staff" },
            Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
        new("DELETE", "/api/organisations/{organisationId}/members/{userId}", w => $"/api/organisations/{w.Venue}/members/{Guid.NewGuid()}", _ => null,
            Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, NotFound)),
        new("PUT", "/api/venues/{venueId}/showtimes/{showtimeId}", w => ApiFixture.ShowtimePath(Guid.NewGuid(), w.Venue), _ => ApiFixture.ShowtimeBody(),
            Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Created)),
        new("POST", "/api/showtimes/{showtimeId}/ticket-types/{ticketType}/holds", Holds, _ => new { quantity = 1 }, Expect(Unauthorized, Created, Created, Forbidden, Forbidden, Forbidden)),
        new("GET", "/api/showtimes/{showtimeId}/ticket-types/{ticketType}/holds/{holdId}", w => $"{Holds(w)}/{w.Hold}", _ => null,
            Expect(Unauthorized, Ok, NotFound, Forbidden, Forbidden, Forbidden)),
        // The holder's own release is exercised by the holds tests; here the hold must stay live.
        new("DELETE", "/api/showtimes/{showtimeId}/ticket-types/{ticketType}/holds/{holdId}", w => $"{Holds(w)}/{w.Hold}", _ => null,
            Without(Caller.Supporter, Expect(Unauthorized, NoContent, NotFound, Forbidden, Forbidden, Forbidden))),
        new("GET", "/api/showtimes/{showtimeId}/allowance", w => $"/api/showtimes/{w.Showtime}/allowance", _ => null,
            Expect(Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden)),
        new("PUT", "/api/venues/{venueId}", w => $"/api/venues/{w.Venue}", _ => Infrastructure.Catalogue.VenueBody("Camden"),
            Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
        // The event is venue V's draft until the admin publishes it: to anyone else it does not exist, then it is not theirs.
        new("PUT", "/api/events/{eventId}", w => $"/api/events/{w.Event}", w => Infrastructure.Catalogue.EventBody(w.Venue),
            Expect(Unauthorized, NotFound, NotFound, NotFound, NotFound, Ok)),
        new("GET", "/api/events/{eventId}", w => $"/api/events/{w.Event}", _ => null, Expect(Unauthorized, NotFound, NotFound, NotFound, NotFound, Ok)),
        new("PUT", "/api/events/{eventId}/showtimes/{showtimeId}", w => $"/api/events/{w.Event}/showtimes/{Guid.NewGuid()}", _ => Infrastructure.Catalogue.ShowtimeBody(),
            Expect(Unauthorized, NotFound, NotFound, NotFound, NotFound, Created)),
        new("GET", "/api/events/{eventId}/showtimes/{showtimeId}", w => $"/api/events/{w.Event}/showtimes/{w.EventShowtime}", _ => null,
            Expect(Unauthorized, NotFound, NotFound, NotFound, NotFound, Ok)),
        new("PUT", "/api/events/{eventId}/presale", w => $"/api/events/{w.Event}/presale", _ => new { codes = new[] { new { code = "FANS-1", maxUses = 5 } }, entitlements = Array.Empty<string>() },
            Expect(Unauthorized, NotFound, NotFound, NotFound, NotFound, Ok)),
        new("GET", "/api/events/{eventId}/presale", w => $"/api/events/{w.Event}/presale", _ => null, Expect(Unauthorized, NotFound, NotFound, NotFound, NotFound, Ok)),
        new("POST", "/api/events/{eventId}/publish", w => $"/api/events/{w.Event}/publish", _ => null, Expect(Unauthorized, NotFound, NotFound, NotFound, NotFound, Ok)),
        new("POST", "/api/events/{eventId}/postpone", w => $"/api/events/{w.Event}/postpone", _ => new { reason = "Storm" },
            Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
        new("POST", "/api/events/{eventId}/cancel", w => $"/api/events/{w.Event}/cancel", _ => new { reason = "Storm" },
            Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
        new("PUT", "/api/tours/{tourId}", _ => $"/api/tours/{Guid.NewGuid()}", w => new { name = "Spring Tour", artist = "The Testers", ownerOrganisationId = w.Venue },
            Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Created)),
        new("GET", "/api/tours/{tourId}", w => $"/api/tours/{w.Tour}", _ => null, Expect(Unauthorized, NotFound, NotFound, NotFound, NotFound, Ok)),
        new("GET", "/api/tours/{tourId}/capacity", w => $"/api/tours/{w.Tour}/capacity", _ => null, Expect(Unauthorized, NotFound, NotFound, NotFound, NotFound, Ok)),
        new("PUT", "/api/supporters/{supporterId}/entitlements/{key}", w => $"/api/supporters/{w.Supporter.UserId}/entitlements/artist:the-testers:patrons", _ => new { },
            Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
        new("GET", "/api/supporters/{supporterId}/entitlements", w => $"/api/supporters/{w.Supporter.UserId}/entitlements", _ => null,
            Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
        new("DELETE", "/api/supporters/{supporterId}/entitlements/{key}", w => $"/api/supporters/{w.Supporter.UserId}/entitlements/artist:the-testers:patrons", _ => null,
            Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, NoContent)),
        // Load-test accounts are admins' business alone (one account, so each admin call stays cheap).
        new("POST", "/api/admin/load-test/supporters", _ => "/api/admin/load-test/supporters",
            _ => new { count = 1, emailPrefix = $"matrix-{Guid.NewGuid():N}", password = "load-test-password-2027" },
            Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
        new("POST", "/supporter/orders", _ => "/supporter/orders", _ => new { lines = Array.Empty<object>() },
            Expect(Unauthorized, BadRequest, BadRequest, Forbidden, Forbidden, Forbidden)),
        new("GET", "/supporter/orders", _ => "/supporter/orders", _ => null, Expect(Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden)),
        // The venue's door staff may read an order bought at their venue; another venue hears it does not exist.
        new("GET", "/supporter/orders/{orderId}", w => $"/supporter/orders/{w.Order}", _ => null, Expect(Unauthorized, Ok, NotFound, NotFound, Ok, Ok)),
        new("GET", "/supporter/tickets", _ => "/supporter/tickets", _ => null, Expect(Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden)),
        new("GET", "/supporter/tickets/{ticketId}", w => $"/supporter/tickets/{w.Ticket}", _ => null, Expect(Unauthorized, Ok, NotFound, Forbidden, Forbidden, Forbidden)),
        // The world's order is free and its showtime allows no self-service refunds; support can give no money back.
        new("POST", "/supporter/orders/{orderId}/refunds", w => $"/supporter/orders/{w.Order}/refunds", _ => new { },
            Expect(Unauthorized, HttpStatusCode.Conflict, NotFound, Forbidden, Forbidden, Forbidden)),
        new("POST", "/admin/orders/{orderId}/refunds", w => $"/admin/orders/{w.Order}/refunds", _ => new { amountMinor = 1 },
            Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, BadRequest)),
        new("POST", "/supporter/tickets/{ticketId}/transfers", w => $"/supporter/tickets/{w.Ticket}/transfers", w => new { supporterId = w.OtherSupporter.UserId },
            Expect(Unauthorized, Created, NotFound, Forbidden, Forbidden, Forbidden)),
        new("POST", "/supporter/tickets/{ticketId}/transfers/{transferId}/cancel", w => $"/supporter/tickets/{w.Ticket}/transfers/{Guid.NewGuid()}/cancel", _ => null,
            Expect(Unauthorized, NotFound, NotFound, Forbidden, Forbidden, Forbidden)),
        new("POST", "/supporter/tickets/{ticketId}/transfers/{transferId}/accept", w => $"/supporter/tickets/{w.Ticket}/transfers/{Guid.NewGuid()}/accept", _ => null,
            Expect(Unauthorized, NotFound, NotFound, Forbidden, Forbidden, Forbidden)),
        new("POST", "/supporter/tickets/{ticketId}/transfers/{transferId}/decline", w => $"/supporter/tickets/{w.Ticket}/transfers/{Guid.NewGuid()}/decline", _ => null,
            Expect(Unauthorized, NotFound, NotFound, Forbidden, Forbidden, Forbidden)),
        new("GET", "/supporter/transfers", _ => "/supporter/transfers", _ => null, Expect(Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden)),
        // Only staff of the ticket's venue (and admins) learn anything about a code.
        new("POST", "/tickets/verify", _ => "/tickets/verify", w => new { code = $"{w.Ticket:N}.not-its-credential" },
            Expect(Unauthorized, NotFound, NotFound, NotFound, Ok, Ok)),
        // Anyone can reach the webhook; only Stripe's signature gets past it.
        new("POST", "/webhooks/stripe", _ => "/webhooks/stripe", _ => new { id = "evt_unsigned", type = "payment_intent.succeeded" },
            Expect(BadRequest, BadRequest, BadRequest, BadRequest, BadRequest, BadRequest)),
        // Support reads the whole audit log; a venue's owners and managers (none among these callers) read their venue's.
        new("GET", "/admin/audit", _ => "/admin/audit", _ => null, Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
        new("GET", "/api/venues/{venueId}/audit", w => $"/api/venues/{w.Venue}/audit", _ => null, Expect(Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok)),
        // Last: they end sessions (the access tokens stay valid until they expire).
        new("POST", "/auth/logout", _ => "/auth/logout", _ => null, Expect(Unauthorized, NoContent, NoContent, NoContent, NoContent, NoContent)),
        new("POST", "/auth/logout-all", _ => "/auth/logout-all", _ => null, Expect(Unauthorized, Ok, Ok, Ok, Ok, Ok)),
    ];

    private static Dictionary<Caller, HttpStatusCode> Without(Caller caller, Dictionary<Caller, HttpStatusCode> expected)
    {
        expected.Remove(caller);
        return expected;
    }

    [Fact]
    public async Task Every_endpoint_answers_every_caller_as_it_should()
    {
        var world = await BuildWorldAsync();
        var failures = new List<string>();

        foreach (var row in Rows)
        {
            foreach (var (caller, expected) in row.Expected)
            {
                var request = new HttpRequestMessage(new HttpMethod(row.Method), row.Path(world));
                if (row.Body(world) is { } body)
                    request.Content = JsonContent.Create(body);
                // One key in both headers: where both are taken they must agree.
                var key = Guid.NewGuid().ToString();
                request.Headers.Add("X-Request-Id", key);
                request.Headers.Add("Idempotency-Key", key);
                var response = await world.Clients[caller].SendAsync(request);
                var content = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != expected)
                    failures.Add($"{row.Method} {row.Pattern} as {caller}: expected {(int)expected}, got {(int)response.StatusCode} {content}");
                else if ((int)expected >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    failures.Add($"{row.Method} {row.Pattern} as {caller}: {(int)expected} without ProblemDetails");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Every_endpoint_is_in_the_matrix_or_known_to_be_public()
    {
        var endpoints = api.Api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}"))
            .ToHashSet();
        var covered = Rows.Select(r => $"{r.Method} {r.Pattern}").Concat(Public).ToHashSet();

        Assert.True(!endpoints.Except(covered).Any(), "Not in the matrix: " + string.Join(", ", endpoints.Except(covered)));
        Assert.True(!covered.Except(endpoints).Any(), "In the matrix but not mapped: " + string.Join(", ", covered.Except(endpoints)));
        Assert.All(Rows, row => Assert.Equal(6, row.Expected.Count + (row.Expected.ContainsKey(Caller.Supporter) ? 0 : 1)));
    }

    private async Task<World> BuildWorldAsync()
    {
        var supporter = await api.RegisterAsync();
        var otherSupporter = await api.RegisterAsync();

        var venueOwner = await api.RegisterAsync("venue");
        var venue = Guid.NewGuid();
        (await venueOwner.Client!.PutAsJsonAsync($"/api/organisations/{venue}", new { kind = "venue", name = "Venue V" })).EnsureSuccessStatusCode();
        venueOwner = await api.SignInAgainAsync(venueOwner);
        var door = await api.RegisterAsync("venue");
        (await venueOwner.Client!.PutAsJsonAsync($"/api/organisations/{venue}/members", new { email = door.Email, role = "door_staff" })).EnsureSuccessStatusCode();
        door = await api.SignInAgainAsync(door);

        var otherOwner = await api.RegisterAsync("venue");
        (await otherOwner.Client!.PutAsJsonAsync($"/api/organisations/{Guid.NewGuid()}", new { kind = "venue", name = "Venue W" })).EnsureSuccessStatusCode();
        otherOwner = await api.SignInAgainAsync(otherOwner);

        var showtime = Guid.NewGuid();
        (await venueOwner.Client!.PutAsJsonAsync(ApiFixture.ShowtimePath(showtime, venue), ApiFixture.ShowtimeBody(startsAt: api.Cluster.Clock.GetUtcNow().AddDays(10)))).EnsureSuccessStatusCode();
        (await venueOwner.Client!.PutAsJsonAsync($"/api/venues/{venue}", Infrastructure.Catalogue.VenueBody("Camden"))).EnsureSuccessStatusCode();
        var eventId = Guid.NewGuid();
        (await venueOwner.Client!.PutAsJsonAsync($"/api/events/{eventId}", Infrastructure.Catalogue.EventBody(venue))).EnsureSuccessStatusCode();
        var eventShowtime = Guid.NewGuid();
        (await venueOwner.Client!.PutAsJsonAsync($"/api/events/{eventId}/showtimes/{eventShowtime}", Infrastructure.Catalogue.ShowtimeBody())).EnsureSuccessStatusCode();
        var tour = Guid.NewGuid();
        (await venueOwner.Client!.PutAsJsonAsync($"/api/tours/{tour}", new { name = "Spring Tour", artist = "The Testers", ownerOrganisationId = venue })).EnsureSuccessStatusCode();
        var holdRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/showtimes/{showtime}/ticket-types/GA/holds") { Content = JsonContent.Create(new { quantity = 2 }) };
        holdRequest.Headers.Add("X-Request-Id", Guid.NewGuid().ToString());
        var hold = await (await supporter.Client!.SendAsync(holdRequest)).Content.ReadFromJsonAsync<JsonElement>();
        // A free showtime: its order is confirmed (and its ticket minted) as soon as it is placed.
        var bought = await Purchases.HoldAsync(supporter.Client!, showtime, "GA", 1);
        var order = await Infrastructure.Catalogue.Ok(await Purchases.PlaceAsync(supporter.Client!, Guid.NewGuid().ToString(), Purchases.Line(showtime, "GA", bought)));
        Assert.Equal("confirmed", order.GetProperty("status").GetString());

        var clients = new Dictionary<Caller, HttpClient>
        {
            [Caller.Anonymous] = api.Anonymous(),
            [Caller.Supporter] = supporter.Client!,
            [Caller.OtherSupporter] = otherSupporter.Client!,
            [Caller.OtherVenue] = otherOwner.Client!,
            [Caller.DoorStaff] = door.Client!,
            [Caller.Admin] = await api.AdminAsync(),
        };
        return new World(clients, venue, showtime, hold.GetProperty("holdId").GetGuid(), supporter, otherSupporter, eventId, eventShowtime, tour,
            order.Id(), order.GetProperty("ticketIds")[0].GetGuid());
    }
}
