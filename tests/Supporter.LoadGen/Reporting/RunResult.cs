using System.Text.Json;
using System.Text.Json.Serialization;
using Supporter.LoadGen.Faults;
using Supporter.LoadGen.Invariants;
using Supporter.LoadGen.Measurement;

namespace Supporter.LoadGen.Reporting;

/// <summary>
/// Everything a run produced, as written to its JSON result file; with faults injected, also the calls whose outcome
/// the client did not learn at first (and how their retries ended) and how long throughput took to come back.
/// </summary>
public sealed record RunResult(
    string RunId, string Scenario, string BaseUrl, string Shape, int Supporters, int MaxInFlight, double WarmUpSeconds, double MeasuredSeconds,
    DateTimeOffset StartedAt, IReadOnlyList<OperationSummary> Operations, IReadOnlyList<TimelinePoint> Timeline, IReadOnlyList<Violation> Violations,
    bool InvariantsChecked, IReadOnlyList<UnknownOutcomeSummary> UnknownOutcomes, IReadOnlyList<FaultMark> FaultMarks, IReadOnlyList<FaultRecovery> Recoveries)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, this, Json, cancellationToken);
    }
}
