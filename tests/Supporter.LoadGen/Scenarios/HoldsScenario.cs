using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.LoadGen.Accounts;
using Supporter.LoadGen.Measurement;

namespace Supporter.LoadGen.Scenarios;

/// <summary>
/// The spike of first clicks: take a hold of 1 to <c>maxQuantity</c> tickets on one ticket type, and (by default)
/// give it back at once, so a supporter stays under the showtime's cap and the pool does not sell out mid-run.
/// Operations: <c>hold</c>, <c>release</c>.
/// </summary>
public sealed class HoldsScenario(HttpClient http, Guid showtime, string ticketType, int maxQuantity, bool release, string runId) : IScenario
{
    public const string HoldOperation = "hold", ReleaseOperation = "release";

    private long _sequence;

    public string Name => "holds";

    public IReadOnlyList<Guid> Showtimes => [showtime];

    private string HoldsPath => $"/api/showtimes/{showtime}/ticket-types/{ticketType}/holds";

    public async Task IterateAsync(VirtualSupporter supporter, Measurements measurements, CancellationToken cancellationToken)
    {
        var holdId = await HoldAsync(supporter, measurements, cancellationToken);
        if (release && holdId is { } id)
            await ReleaseAsync(supporter, id, measurements, cancellationToken);
    }

    private async Task<Guid?> HoldAsync(VirtualSupporter supporter, Measurements measurements, CancellationToken cancellationToken)
    {
        using var request = supporter.Request(HttpMethod.Post, HoldsPath);
        request.Headers.Add("Idempotency-Key", $"loadgen-{runId}-{Interlocked.Increment(ref _sequence)}");
        request.Content = JsonContent.Create(new { quantity = Random.Shared.Next(1, maxQuantity + 1) });
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                measurements.Failed(HoldOperation, await HttpOutcomes.KindAsync(response, cancellationToken));
                return null;
            }
            measurements.Succeeded(HoldOperation, started);
            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return body.RootElement.GetProperty("holdId").GetGuid();
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            measurements.Failed(HoldOperation, HttpOutcomes.Kind(e, cancellationToken));
            return null;
        }
    }

    private async Task ReleaseAsync(VirtualSupporter supporter, Guid holdId, Measurements measurements, CancellationToken cancellationToken)
    {
        using var request = supporter.Request(HttpMethod.Delete, $"{HoldsPath}/{holdId}");
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
                measurements.Succeeded(ReleaseOperation, started);
            else
                measurements.Failed(ReleaseOperation, await HttpOutcomes.KindAsync(response, cancellationToken));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            measurements.Failed(ReleaseOperation, HttpOutcomes.Kind(e, cancellationToken));
        }
    }
}
