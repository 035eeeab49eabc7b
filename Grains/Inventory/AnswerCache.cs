using Supporter.Inventory;

namespace Supporter.Grains.Inventory;

/// <summary>
/// Remembers answers that changed nothing (sold out), so a retry of the same request id gets the same answer.
/// Bounded and in memory only: such an answer has no effect to protect, and a presale can produce millions of them.
/// </summary>
internal sealed class AnswerCache(int capacity)
{
    private readonly Dictionary<string, (string SupporterId, int Quantity, ReserveResult Result)> _answers = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public bool TryGet(string requestId, out (string SupporterId, int Quantity, ReserveResult Result) answer) =>
        _answers.TryGetValue(requestId, out answer);

    public void Add(string requestId, string supporterId, int quantity, ReserveResult result)
    {
        if (capacity <= 0 || !_answers.TryAdd(requestId, (supporterId, quantity, result)))
            return;
        _order.Enqueue(requestId);
        if (_order.Count > capacity)
            _answers.Remove(_order.Dequeue());
    }
}
