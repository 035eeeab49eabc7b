namespace Supporter.Grains.Infrastructure;

/// <summary>Names of the storage providers the silo registers.</summary>
public static class StorageNames
{
    /// <summary>Grain state of the domain (PostgreSQL, or memory in the explicit in-memory mode).</summary>
    public const string Domain = "domain";

    /// <summary>
    /// Orleans' ADO.NET storage, where domain state lived before <see cref="Storage.CoalescingGrainStorage"/>: read
    /// only, for grains whose state has not been written since.
    /// </summary>
    public const string DomainAdoNet = "domain-adonet";

    /// <summary>Inventory pools: a header row and one row per hold, written incrementally.</summary>
    public const string Inventory = "inventory";

    /// <summary>Stream subscriptions; durable so live feeds survive a silo's death.</summary>
    public const string PubSub = "PubSubStore";
}
