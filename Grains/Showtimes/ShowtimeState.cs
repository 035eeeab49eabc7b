using Supporter.Showtimes;

namespace Supporter.Grains.Showtimes;

/// <summary>
/// Stored state of a showtime. Creating one takes steps in other places (pools, the relational catalogue) that
/// cannot commit together with this row, so each step is recorded as done only after it succeeded and is redone
/// on the next activation otherwise. All steps are idempotent.
/// </summary>
[GenerateSerializer, Alias("showtimes.state.v1")]
public sealed class ShowtimeState
{
    [Id(0)] public ShowtimeDefinition? Definition { get; set; }
    [Id(1)] public bool PoolsConfigured { get; set; }
    [Id(2)] public bool Catalogued { get; set; }
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
}
