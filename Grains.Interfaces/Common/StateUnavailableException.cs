namespace Supporter;

/// <summary>
/// A grain could not make its state durable, so the request had no effect that was reported to anyone.
/// The grain reloads from storage; retrying with the same idempotency key is safe.
/// </summary>
[GenerateSerializer, Alias("common.state-unavailable")]
public sealed class StateUnavailableException : Exception
{
    public StateUnavailableException() { }
    public StateUnavailableException(string message) : base(message) { }
    public StateUnavailableException(string message, Exception inner) : base(message, inner) { }
}
