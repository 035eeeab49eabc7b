using System.ComponentModel.DataAnnotations;

namespace Supporter.Grains.Infrastructure.Storage;

/// <summary>Section "Storage": how <see cref="CoalescingGrainStorage"/> groups grain writes into transactions.</summary>
public sealed class GrainStorageOptions
{
    public const string Section = "Storage";

    /// <summary>
    /// Transactions in flight at once. A write that finds them all busy waits for the next one to start, and so
    /// shares it with every write queued meanwhile: fewer slots mean bigger batches, more mean less waiting.
    /// </summary>
    [Range(1, 32)]
    public int MaxConcurrentTransactions { get; set; } = 2;

    /// <summary>The most grain writes one transaction carries; the rest go in the next.</summary>
    [Range(1, 2000)]
    public int MaxBatchSize { get; set; } = 256;
}
