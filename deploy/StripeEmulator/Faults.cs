namespace Supporter.StripeEmulator;

/// <summary>
/// Switches that make the emulator behave like Stripe on a bad day, set through <c>PUT /_emulator/faults</c>:
/// every event sent <see cref="Duplicates"/> extra times (concurrently), delivered <see cref="DelayMs"/> late,
/// events of one moment delivered newest first (<see cref="Reorder"/>), the endpoint's answers to the next
/// <see cref="FailDeliveries"/> attempts ignored (so they are retried), the next <see cref="FailRequests"/> API
/// requests (to paths starting with <see cref="FailPath"/>, if given) answered with <see cref="FailStatus"/> — 500,
/// 502 or 503 as an outage, 429 as Stripe's rate limit, 400 as a refusal — before they do anything, and no
/// deliveries at all while <see cref="Paused"/> (they go out, in order, once it is lifted).
/// </summary>
public sealed record Faults(
    int Duplicates = 0, int DelayMs = 0, bool Reorder = false, int FailDeliveries = 0, int FailRequests = 0, bool Paused = false,
    int FailStatus = 500, string? FailPath = null)
{
    public static Faults None { get; } = new();

    public string? Validate() =>
        Duplicates is < 0 or > 20 ? "duplicates must be 0 to 20"
        : DelayMs is < 0 or > 600_000 ? "delayMs must be 0 to 600000"
        : FailDeliveries is < 0 or > 50 ? "failDeliveries must be 0 to 50"
        : FailRequests is < 0 or > 50 ? "failRequests must be 0 to 50"
        : FailStatus is not (400 or 429 or 500 or 502 or 503) ? "failStatus must be 400, 429, 500, 502 or 503"
        : FailPath is { } path && !path.StartsWith('/') ? "failPath must start with /"
        : null;

    /// <summary>The answer a failed request gets, in Stripe's shapes.</summary>
    internal StripeReply Failure() => FailStatus switch
    {
        429 => StripeObjects.Error(429, "invalid_request_error", "Too many requests hit the API too quickly (emulated).", "rate_limit"),
        400 => StripeObjects.Error(400, "invalid_request_error", "This request was refused (emulated).", "parameter_invalid"),
        _ => StripeObjects.Error(FailStatus, "api_error", "An unexpected error occurred (emulated)."),
    };
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

    /// <summary>The answer this API request to <paramref name="path"/> must fail with (and counts it), or null.</summary>
    public StripeReply? TakeRequestFailure(string path)
    {
        lock (_gate)
        {
            if (_faults.FailRequests <= 0 || (_faults.FailPath is { } prefix && !path.StartsWith(prefix, StringComparison.Ordinal)))
                return null;
            _faults = _faults with { FailRequests = _faults.FailRequests - 1 };
            return _faults.Failure();
        }
    }

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
