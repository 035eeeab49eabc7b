using Supporter.LoadGen.Accounts;
using Supporter.LoadGen.Measurement;

namespace Supporter.LoadGen.Scenarios;

/// <summary>
/// One kind of traffic (holds, purchase, dashboards, doors, ...). A load shape calls <see cref="IterateAsync"/> once
/// per arrival (open loop) or in a loop per virtual supporter (closed loop); the scenario records each of its
/// operations by name and decides nothing about pacing.
/// </summary>
public interface IScenario
{
    string Name { get; }

    /// <summary>The showtimes the run touches: the invariant check looks at these.</summary>
    IReadOnlyList<Guid> Showtimes { get; }

    /// <summary>One supporter's journey through the scenario, once. Must not throw for outcomes the system answers.</summary>
    Task IterateAsync(VirtualSupporter supporter, Measurements measurements, CancellationToken cancellationToken);
}
