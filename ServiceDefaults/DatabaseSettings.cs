using System.ComponentModel.DataAnnotations;

namespace Supporter.ServiceDefaults;

/// <summary>Section "Database": the PostgreSQL this process uses, through exactly one connection pool.</summary>
public sealed class DatabaseSettings
{
    public const string Section = "Database";

    /// <summary>Absent only in the explicit in-memory mode.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Physical connections this process may hold, across everything it does (grain storage, reads, the key ring,
    /// the membership table). Every process has its own pool, and their sum must stay below max_connections.
    /// </summary>
    [Range(1, 1000)] public int MaxConnections { get; set; } = 5;

    /// <summary>What the server shows in pg_stat_activity for this process's connections; the host's name when empty.</summary>
    public string? ApplicationName { get; set; }

    /// <summary>Apply pending schema migrations before the silo starts (read by the silo only).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString);
}
