namespace Supporter.Showtimes;

/// <summary>How many times a ticket lets its holder in (read by check-in).</summary>
[GenerateSerializer, Alias("showtimes.entry-rule")]
public enum EntryRule
{
    SingleEntry = 0,
    MultiEntry = 1,
}
