using Supporter.Inventory;

namespace Supporter.Grains.Inventory;

/// <summary>
/// Remembers answers that changed nothing (sold out), so a retry of the same supporter's request id gets the same answer.
/// Bounded and in memory only: such an answer has no effect to protect, and a presale can produce millions of them.
/// </summary>
internal sealed class AnswerCache(int capacity)
{
    private readonly Dictionary<(string SupporterId, string RequestId), (int Quantity, ReserveResult Result)> _answers = new();
    private readonly Queue<(string SupporterId, string RequestId)> _order = new();

    public bool TryGet(string supporterId, string requestId, out (int Quantity, ReserveResult Result) answer) =>
        _answers.TryGetValue((supporterId, requestId), out answer);

    public void Add(string requestId, string supporterId, int quantity, ReserveResult result)
    {
        if (capacity <= 0 || !_answers.TryAdd((supporterId, requestId), (quantity, result)))
            return;
        _order.Enqueue((supporterId, requestId));
        if (_order.Count > capacity)
            _answers.Remove(_order.Dequeue());
    }
}
