using Supporter.Grains.Notifications;
using Supporter.Grains.Notifications.Templates;
using Supporter.Identity;

namespace Supporter.Tests.Notifications;

/// <summary>Money in each currency's own minor units, times in the reader's zone, and the end of quiet hours across midnight and DST.</summary>
public sealed class MessageFormatTests
{
    [Theory]
    [InlineData(7700, "GBP", "£77.00")]
    [InlineData(123456, "EUR", "€1,234.56")]
    [InlineData(5, "USD", "$0.05")]
    [InlineData(15000, "JPY", "¥15,000")]
    [InlineData(990, "ISK", "ISK 990")]
    [InlineData(5000, "CHF", "CHF 50.00")]
    [InlineData(0, "gbp", "£0.00")]
    public void Money_is_rendered_in_the_currencys_own_units(long minor, string currency, string expected) =>
        Assert.Equal(expected, MessageFormat.Money(minor, currency));

    [Fact]
    public void Times_are_shown_in_the_readers_zone_with_the_offset_named()
    {
        var instant = new DateTimeOffset(2031, 1, 10, 20, 0, 0, TimeSpan.Zero);

        Assert.Equal("Friday 10 January 2031, 20:00 UTC", MessageFormat.When(instant, MessageFormat.Zone(null)));
        Assert.Equal("Saturday 11 January 2031, 07:00 (Australia/Sydney, UTC+11:00)", MessageFormat.When(instant, MessageFormat.Zone("Australia/Sydney")));
        Assert.Equal("Friday 10 January 2031, 15:00 (America/New_York, UTC-05:00)", MessageFormat.When(instant, MessageFormat.Zone("America/New_York")));
        Assert.Equal("Friday 10 January 2031, 20:00 UTC", MessageFormat.When(instant, MessageFormat.Zone("Not/AZone")));
    }

    [Theory]
    // 23:30 in London in winter, quiet 22:00–08:00: until 08:00 the next morning.
    [InlineData("2031-01-10T23:30:00Z", "22:00", "08:00", "Europe/London", "2031-01-11T08:00:00Z")]
    // 03:00 in London in summer (02:00 UTC): until 08:00 BST the same morning.
    [InlineData("2031-07-10T02:00:00Z", "22:00", "08:00", "Europe/London", "2031-07-10T07:00:00Z")]
    // An afternoon window.
    [InlineData("2031-07-10T13:10:00Z", "13:00", "15:00", "UTC", "2031-07-10T15:00:00Z")]
    // Quiet until 01:30 on the night London's clocks go from 01:00 to 02:00 (30 March 2031): 01:30 does not exist that
    // night, so the window ends an hour later, at 02:30 BST.
    [InlineData("2031-03-30T00:30:00Z", "22:00", "01:30", "Europe/London", "2031-03-30T01:30:00Z")]
    public void Quiet_hours_end_at_the_next_end_of_the_window_in_the_supporters_zone(string now, string start, string end, string zone, string expected)
    {
        var quiet = new QuietHours(TimeOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), TimeOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), zone);
        var instant = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(quiet.Contains(instant));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), NotificationDelivery.QuietHoursEnd(quiet, instant));
        Assert.False(quiet.Contains(NotificationDelivery.QuietHoursEnd(quiet, instant)));
    }
}
