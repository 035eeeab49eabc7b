using Supporter.LoadGen.Load;

namespace Supporter.Tests.LoadTesting;

public sealed class LoadShapeTests
{
    [Fact]
    public void An_open_loop_ramps_linearly_then_holds_its_target_rate()
    {
        var shape = new LoadShape(true, StartRate: 0, TargetRate: 100, Ramp: TimeSpan.FromSeconds(10));

        Assert.Equal(50, shape.RateAt(TimeSpan.FromSeconds(5)), 6);
        Assert.Equal(100, shape.RateAt(TimeSpan.FromSeconds(30)), 6);
        Assert.Equal(125, shape.ArrivalsBy(TimeSpan.FromSeconds(5)), 6);
        Assert.Equal(500, shape.ArrivalsBy(TimeSpan.FromSeconds(10)), 6);
        Assert.Equal(700, shape.ArrivalsBy(TimeSpan.FromSeconds(12)), 6);
    }

    [Fact]
    public void Without_a_ramp_the_target_rate_starts_at_once()
    {
        var shape = new LoadShape(true, StartRate: 10, TargetRate: 40, Ramp: TimeSpan.Zero);

        Assert.Equal(40, shape.RateAt(TimeSpan.Zero), 6);
        Assert.Equal(80, shape.ArrivalsBy(TimeSpan.FromSeconds(2)), 6);
    }
}
