using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Supporter.StripeEmulator;

/// <summary>
/// Counts changes to what the emulator keeps (objects, events, idempotency keys), so the state file can follow them.
/// Noted under the lock that makes the change, so a snapshot taken under the same locks knows which changes it holds.
/// </summary>
public sealed class StateChanges
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _count;
    private long _saved;
    private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Count => Interlocked.Read(ref _count);

    /// <summary>How many changes the state file on disk holds.</summary>
    public long Saved => Interlocked.Read(ref _saved);

    public void Note()
    {
        Interlocked.Increment(ref _count);
        _signal.Writer.TryWrite(true);
    }

    /// <summary>Completes when a change was noted since the last call.</summary>
    internal ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _signal.Reader.WaitToReadAsync(cancellationToken);

    internal void Take() => _signal.Reader.TryRead(out _);

    internal void MarkSaved(long upTo)
    {
        Interlocked.Exchange(ref _saved, upTo);
        Interlocked.Exchange(ref _written, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Waits (up to <paramref name="wait"/>) until the file holds at least <paramref name="changes"/> changes.</summary>
    public async Task<long> SavedAtLeastAsync(long changes, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        while (true)
        {
            var written = Volatile.Read(ref _written).Task;
            if (Saved >= changes || timeout.IsCancellationRequested)
                return Saved;
            try
            {
                await written.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
    }
}

/// <summary>
/// Keeps the emulator's state in <see cref="EmulatorOptions.StatePath"/> across restarts: read at start, written a
/// moment after changes (<see cref="EmulatorOptions.StateFlushDelay"/> gathers a burst of them into one write, off the
/// requests' path), and once more at shutdown. Each write goes to a temporary file that is flushed to disk and then
/// renamed over the old one, so the file is always a whole snapshot: the old one or the new one.
/// </summary>
public sealed partial class EmulatorStateFile(
    StripeStore store, StripeRequests requests, StateChanges changes, IOptions<EmulatorOptions> options, TimeProvider time,
    ILogger<EmulatorStateFile> logger) : BackgroundService
{
    private const int FormatVersion = 1;

    // The background flush and the last write at shutdown can overlap: one write at a time, each to its own file.
    private readonly SemaphoreSlim _writing = new(1, 1);

    private string? Path => options.Value.StatePath;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Path is { } path && File.Exists(path))
        {
            // A file that cannot be read stops the emulator: starting empty would quietly lose every customer.
            var root = JsonNode.Parse(await File.ReadAllBytesAsync(path, cancellationToken))?.AsObject()
                ?? throw new InvalidDataException($"{path} holds no emulator state.");
            if ((int?)root["version"] != FormatVersion)
                throw new InvalidDataException($"{path} is not an emulator state file of version {FormatVersion}.");
            var now = time.GetUtcNow();
            requests.Restore(root, now);
            var resent = store.Restore(root);
            changes.MarkSaved(changes.Count);
            LogLoaded(path, resent);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Path is null)
            return;
        while (await changes.WaitAsync(stoppingToken))
        {
            await Task.Delay(options.Value.StateFlushDelay, time, stoppingToken);
            changes.Take();
            try
            {
                await SaveAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Kept in memory meanwhile; the next change tries again.
                LogNotSaved(exception, Path);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Path is not null && changes.Saved < changes.Count)
            await SaveAsync(CancellationToken.None);
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await WriteAsync(cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        var path = Path!;
        var buffer = new ArrayBufferWriter<byte>();
        long upTo;
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", FormatVersion);
            upTo = requests.WriteState(writer, time.GetUtcNow(), store.WriteState);
            writer.WriteEndObject();
        }
        if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) is { } directory)
            Directory.CreateDirectory(directory);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                await file.WriteAsync(buffer.WrittenMemory, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            // Only a write that did not get as far as the rename leaves its file behind.
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
        changes.MarkSaved(upTo);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the emulator state to {Path}")]
    private partial void LogNotSaved(Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Emulator state loaded from {Path}; {Resent} undelivered events queued again")]
    private partial void LogLoaded(string path, int resent);
}
