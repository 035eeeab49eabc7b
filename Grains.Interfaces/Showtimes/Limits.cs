namespace Supporter.Showtimes;

/// <summary>Platform-wide bounds on what a showtime may declare.</summary>
public static class Limits
{
    public const int MaxCapacity = 1_000_000;
    public const int MaxPerOrderCeiling = 50;
    public const int MaxPerSupporterCap = 100;
    public const int MaxHeldPerSupporter = 200;
    public const int MaxTicketTypes = 20;
    public const int MaxAddOns = 20;
    public const int MaxTierMoves = 10;
    public const long MaxPriceMinor = 100_000_000;
    public static readonly TimeSpan MinHoldDuration = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxHoldDuration = TimeSpan.FromHours(2);
}
