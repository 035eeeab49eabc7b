using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Supporter.Audit;
using Supporter.Grains.Infrastructure;

namespace Supporter.Grains.Audit;

/// <summary>
/// The one way a grain writes to the audit log. An entry is recorded in the same turn as the change, into a list
/// kept in the grain's state (<see cref="IAuditedState"/>), and so goes with the write that stores the change. The
/// coalescing storage inserts it into the log in that write's transaction and takes it off the list
/// (<see cref="AuditEntriesWithState"/>): after "stored" nothing is left here. Any other storage stores the list with
/// the state; right after that write the trail appends whatever is pending and drops it from the list (which the
/// next write stores). A grain whose stored state still holds entries — its silo died between such a write and the
/// append, or a state stored before entries went with the transaction — appends them when it is next activated, by
/// the retried command or anything else; and an append that failed arms a reminder that tries again. Keys are
/// derived, never random, so appending an entry twice leaves one row.
/// </summary>
public sealed partial class AuditTrail
{
    public const string ReminderName = "audit-trail";

    private readonly Grain _grain;
    private readonly IAuditLog _log;
    private readonly DomainClock _clock;
    private readonly TimeSpan _retryPeriod;
    private readonly ILogger _logger;
    private readonly Func<List<AuditEntry>> _pending;
    private bool _armed;

    internal AuditTrail(Grain grain, IAuditLog log, DomainClock clock, TimeSpan retryPeriod, ILogger logger, Func<List<AuditEntry>> pending)
    {
        _grain = grain;
        _log = log;
        _clock = clock;
        _retryPeriod = retryPeriod;
        _logger = logger;
        _pending = pending;
    }

    /// <summary>
    /// Records an entry for the change this turn is about to store: <paramref name="action"/> (one of
    /// <see cref="AuditActions"/>) on a subject, for the venue it concerns (if any), with a small detail (null values are
    /// left out). Call it just before the write that stores the change, never when the change is refused.
    /// </summary>
    /// <param name="action">One of <see cref="AuditActions"/>.</param>
    /// <param name="key">
    /// What makes the entry unique for its action: the command's idempotency key or an id derived from it (refund id,
    /// transfer id, ticket id, Stripe event id), or the version the change is stored as. The same change recorded again
    /// (a step repeated after a crash) must give the same key.
    /// </param>
    /// <param name="subjectType">One of <see cref="AuditSubjects"/>.</param>
    /// <param name="subjectId">The order, ticket, showtime, event, account or organisation.</param>
    /// <param name="venueId">The venue the change concerns, whose owners and managers may read the entry.</param>
    /// <param name="detail">Small facts about the change; null values are left out.</param>
    /// <param name="actor">Who acted, when the grain knows; otherwise the caller's request context says (or <c>system</c>).</param>
    public void Record(string action, string key, string subjectType, Guid subjectId, Guid? venueId,
        IReadOnlyList<(string Key, object? Value)>? detail = null, AuditActor? actor = null)
    {
        var entryKey = $"{action}:{key}";
        if (entryKey.Length > AuditEntry.MaxKeyLength)
            throw new ArgumentException($"An audit key has at most {AuditEntry.MaxKeyLength} characters.", nameof(key));
        var pending = _pending();
        if (pending.Exists(e => e.Key == entryKey))
            return;
        var details = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in detail ?? [])
        {
            if (Format(value) is { } text)
                details[name] = text;
        }
        pending.Add(new AuditEntry(entryKey, _clock.UtcNow, actor ?? AuditContext.Actor, action, subjectType, subjectId, venueId,
            details.ToImmutable(), AuditContext.TraceId));
    }

    /// <summary>
    /// Appends what is pending; call after every write of the grain's state and on activation. Costs nothing when the
    /// write took the entries into the log already. Never throws: an append that fails leaves the entries pending and
    /// arms the reminder.
    /// </summary>
    public async Task FlushAsync()
    {
        var pending = _pending();
        if (pending.Count == 0)
        {
            await DisarmAsync();
            return;
        }
        var batch = pending.ToList();
        try
        {
            await _log.AppendAsync(batch);
        }
        catch (Exception exception)
        {
            LogAppendFailed(exception, _grain.GetGrainId(), batch.Count);
            await ArmAsync();
            return;
        }
        var written = batch.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        pending.RemoveAll(e => written.Contains(e.Key));
        await DisarmAsync();
    }

    /// <summary>The grain's <c>IRemindable.ReceiveReminder</c> hands <see cref="ReminderName"/> here.</summary>
    public Task ReceiveReminderAsync()
    {
        _armed = true;
        return FlushAsync();
    }

    private async Task ArmAsync()
    {
        if (_armed)
            return;
        try
        {
            await _grain.RegisterOrUpdateReminder(ReminderName, _retryPeriod, _retryPeriod);
            _armed = true;
        }
        catch (Exception exception)
        {
            // The entries stay in the grain's state: its next write or activation appends them.
            LogArmFailed(exception, _grain.GetGrainId());
        }
    }

    private async Task DisarmAsync()
    {
        if (!_armed)
            return;
        try
        {
            if (await _grain.GetReminder(ReminderName) is { } reminder)
                await _grain.UnregisterReminder(reminder);
            _armed = false;
        }
        catch (Exception exception)
        {
            // Its next tick finds nothing pending and tries again.
            LogDisarmFailed(exception, _grain.GetGrainId());
        }
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string text => text,
        bool flag => flag ? "true" : "false",
        DateTimeOffset instant => instant.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Grain} could not append {Count} audit entries; they stay in its state and are retried")]
    private partial void LogAppendFailed(Exception exception, GrainId grain, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Grain} could not arm its audit reminder; its next write or activation appends the entries")]
    private partial void LogArmFailed(Exception exception, GrainId grain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Grain} could not drop its audit reminder")]
    private partial void LogDisarmFailed(Exception exception, GrainId grain);
}
