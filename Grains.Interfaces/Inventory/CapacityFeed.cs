using Orleans.Runtime;

namespace Supporter.Inventory;

/// <summary>
/// The live capacity stream: pools publish their figures after each durable write, keyed by showtime, so a
/// dashboard subscribes once per showtime. Live only — late joiners read a snapshot from the showtime grain.
/// </summary>
public static class CapacityFeed
{
    public const string StreamProvider = "live";
    public const string Namespace = "capacity";

    public static StreamId StreamFor(Guid showtimeId) => StreamId.Create(Namespace, showtimeId);
}
