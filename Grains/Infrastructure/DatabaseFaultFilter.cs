using Microsoft.Extensions.Logging;
using Npgsql;

namespace Supporter.Grains.Infrastructure;

/// <summary>
/// Turns a PostgreSQL failure inside a grain call into an answer the caller can read. The driver's exceptions have no
/// Orleans codec, so one leaving a grain reached the Api as a serialization failure (a 500) instead of "try again".
/// A transient one (the server restarting, a lost connection) becomes <see cref="StateUnavailableException"/>, which
/// the front ends answer with a 503 and Retry-After; any other is a bug and stays one, with its SQLSTATE in the message.
/// </summary>
public sealed partial class DatabaseFaultFilter(ILogger<DatabaseFaultFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception exception) when (DatabaseFault(exception) is { } database)
        {
            LogDatabaseFault(database, context.InterfaceMethod?.Name ?? "?", context.TargetId.ToString());
            if (database.IsTransient)
                throw new StateUnavailableException("PostgreSQL could not be reached; nothing of this request was reported as done. Retry it.");
            throw new InvalidOperationException($"A database command failed ({(database as PostgresException)?.SqlState ?? "no SQLSTATE"}): {database.Message}");
        }
    }

    /// <summary>The driver's exception, thrown or carried inside another (a grain's "could not be stored" wrapper).</summary>
    public static NpgsqlException? DatabaseFault(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException database)
                return database;
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A PostgreSQL failure ended {Method} on {Grain}; the caller hears it as a fault")]
    private partial void LogDatabaseFault(Exception exception, string method, string grain);
}
