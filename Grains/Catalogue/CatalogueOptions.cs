using System.ComponentModel.DataAnnotations;

namespace Supporter.Grains.Catalogue;

/// <summary>Section "Catalogue".</summary>
public sealed class CatalogueOptions
{
    /// <summary>
    /// How often a grain whose relational copy could not be written tries again. Orleans does not run reminders more
    /// often than once a minute unless told otherwise.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SyncRetryPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
