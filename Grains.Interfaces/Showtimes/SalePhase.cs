namespace Supporter.Showtimes;

[GenerateSerializer, Alias("showtimes.sale-phase")]
public enum SalePhase
{
    NotYet = 0,
    Presale = 1,
    General = 2,
    Ended = 3,
    /// <summary>The event is not selling: a draft, postponed or cancelled.</summary>
    Suspended = 4,
}
