namespace Supporter.LoadGen.Load;

/// <summary>
/// How arrivals are paced. Closed loop: each virtual supporter starts its next journey when the last one ended, so
/// the system's speed sets the rate. Open loop: journeys arrive at a target rate whatever the system does (ramped
/// from <see cref="StartRate"/> to <see cref="TargetRate"/> over <see cref="Ramp"/>), as a real onsale does; an arrival
/// that finds every supporter busy (the in-flight bound) is counted as dropped, not queued.
/// </summary>
public sealed record LoadShape(bool OpenLoop, double StartRate, double TargetRate, TimeSpan Ramp)
{
    public static LoadShape Closed { get; } = new(false, 0, 0, TimeSpan.Zero);

    /// <summary>Arrivals per second at <paramref name="elapsed"/>: linear over the ramp, then flat.</summary>
    public double RateAt(TimeSpan elapsed) =>
        Ramp <= TimeSpan.Zero || elapsed >= Ramp ? TargetRate : StartRate + (TargetRate - StartRate) * (elapsed / Ramp);

    /// <summary>Arrivals due in [0, elapsed): the integral of the rate.</summary>
    public double ArrivalsBy(TimeSpan elapsed)
    {
        var ramped = Ramp <= TimeSpan.Zero ? TimeSpan.Zero : (elapsed < Ramp ? elapsed : Ramp);
        var during = (StartRate + RateAt(ramped)) / 2 * ramped.TotalSeconds;
        return during + TargetRate * Math.Max(0, (elapsed - ramped).TotalSeconds);
    }
}
