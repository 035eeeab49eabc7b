namespace Supporter.Showtimes;

[GenerateSerializer, Alias("showtimes.create-outcome")]
public enum CreateOutcome
{
    Created = 0,
    AlreadyExists = 1,
    Conflict = 2,
    Invalid = 3,
}

/// <summary>Outcome of <see cref="IShowtimeGrain.Create"/>; <paramref name="Errors"/> is set when invalid.</summary>
[GenerateSerializer, Immutable, Alias("showtimes.create-result")]
public sealed record CreateShowtimeResult(
    [property: Id(0)] CreateOutcome Outcome,
    [property: Id(1)] IReadOnlyDictionary<string, string[]>? Errors);
