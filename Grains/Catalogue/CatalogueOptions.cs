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

    /// <summary>
    /// The longest a showtime with a tier move ahead sleeps before looking at the clock again. The reminder is set
    /// for the move's time when that is nearer, so moves run on time; the recheck bounds how far a long sleep can
    /// drift from the business clock.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ScheduleRecheckPeriod { get; set; } = TimeSpan.FromHours(1);
}
