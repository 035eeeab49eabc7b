namespace Supporter.StripeEmulator;

/// <summary>
/// Switches that make the emulator behave like Stripe on a bad day, set through <c>PUT /_emulator/faults</c>:
/// every event sent <see cref="Duplicates"/> extra times (concurrently), delivered <see cref="DelayMs"/> late,
/// events of one moment delivered newest first (<see cref="Reorder"/>), the endpoint's answers to the next
/// <see cref="FailDeliveries"/> attempts ignored (so they are retried), the next <see cref="FailRequests"/> API
/// requests answered with a 500, and no deliveries at all while <see cref="Paused"/> (they go out, in order, once
/// it is lifted).
/// </summary>
public sealed record Faults(int Duplicates = 0, int DelayMs = 0, bool Reorder = false, int FailDeliveries = 0, int FailRequests = 0, bool Paused = false)
{
    public static Faults None { get; } = new();

    public string? Validate() =>
        Duplicates is < 0 or > 20 ? "duplicates must be 0 to 20"
        : DelayMs is < 0 or > 600_000 ? "delayMs must be 0 to 600000"
        : FailDeliveries is < 0 or > 50 ? "failDeliveries must be 0 to 50"
        : FailRequests is < 0 or > 50 ? "failRequests must be 0 to 50"
        : null;
}

/// <summary>The faults now in force; counters of the failure switches go down as they are used.</summary>
public sealed class FaultSwitch
{
    private readonly Lock _gate = new();
    private Faults _faults = Faults.None;

    public Faults Current
    {
        get { lock (_gate) return _faults; }
        set { lock (_gate) _faults = value; }
    }

    /// <summary>True if this API request must fail (and counts it).</summary>
    public bool TakeRequestFailure() => Take(f => f.FailRequests, f => f with { FailRequests = f.FailRequests - 1 });

    /// <summary>True if this delivery attempt must be treated as failed (and counts it).</summary>
    public bool TakeDeliveryFailure() => Take(f => f.FailDeliveries, f => f with { FailDeliveries = f.FailDeliveries - 1 });

    private bool Take(Func<Faults, int> counter, Func<Faults, Faults> decrement)
    {
        lock (_gate)
        {
            if (counter(_faults) <= 0)
                return false;
            _faults = decrement(_faults);
            return true;
        }
    }
}
