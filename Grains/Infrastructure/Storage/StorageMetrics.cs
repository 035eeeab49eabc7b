using System.Diagnostics.Metrics;

namespace Supporter.Grains.Infrastructure.Storage;

/// <summary>What the coalescing storage commits, as OpenTelemetry metrics and as totals for tests.</summary>
public sealed class StorageMetrics : IDisposable
{
    public const string MeterName = "Supporter.Storage";

    private readonly Meter _meter;
    private readonly Counter<long> _transactions;
    private readonly Counter<long> _writes;
    private readonly Histogram<int> _batchSize;
    private long _transactionCount;
    private long _writeCount;

    public StorageMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _transactions = _meter.CreateCounter<long>("supporter.storage.transactions", "{transaction}", "Committed transactions carrying grain writes");
        _writes = _meter.CreateCounter<long>("supporter.storage.writes", "{write}", "Grain writes committed (or refused as stale)");
        _batchSize = _meter.CreateHistogram<int>("supporter.storage.batch_size", "{write}", "Grain writes per transaction");
    }

    /// <summary>Transactions committed since the silo started.</summary>
    public long Transactions => Interlocked.Read(ref _transactionCount);

    /// <summary>Grain writes those transactions carried.</summary>
    public long Writes => Interlocked.Read(ref _writeCount);

    internal void Committed(int writes)
    {
        Interlocked.Increment(ref _transactionCount);
        Interlocked.Add(ref _writeCount, writes);
        _transactions.Add(1);
        _writes.Add(writes);
        _batchSize.Record(writes);
    }

    public void Dispose() => _meter.Dispose();
}
