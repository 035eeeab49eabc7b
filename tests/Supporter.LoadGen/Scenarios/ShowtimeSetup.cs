using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Supporter.LoadGen.Scenarios;

/// <summary>
/// A showtime of the run's own (<c>--create-showtime N</c>): N general-admission tickets, no per-supporter cap, free,
/// created through the Api by the admin at a venue, so runs at 1k, 100k or 1M tickets start from a fresh pool.
/// </summary>
public static class ShowtimeSetup
{
    public static async Task<Guid> CreateAsync(HttpClient http, string adminToken, Guid venue, string ticketType, int allocation, int maxPerOrder,
        CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/venues/{venue}/showtimes/{id}")
        {
            Content = JsonContent.Create(new
            {
                title = $"Load test, {allocation} tickets",
                startsAt = DateTimeOffset.UtcNow.AddDays(30),
                capacity = allocation,
                holdSeconds = 600,
                ticketTypes = new[] { new { code = ticketType, name = "General admission", allocation, maxPerOrder } },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Creating the run's showtime failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return id;
    }
}
