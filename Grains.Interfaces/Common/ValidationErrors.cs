namespace Supporter;

/// <summary>
/// Validation messages keyed by field. A field can break several rules at once, so each message is added to the
/// field's list rather than replacing what an earlier rule found.
/// </summary>
internal sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _byField = [];

    public void Add(string field, string message)
    {
        if (!_byField.TryGetValue(field, out var messages))
            _byField[field] = messages = [];
        if (!messages.Contains(message))
            messages.Add(message);
    }

    /// <summary>Adds each (field, message), the field prefixed with <paramref name="prefix"/> (e.g. <c>"ticketTypes[0]."</c>).</summary>
    public void AddAll(IEnumerable<(string Field, string Message)> errors, string prefix = "")
    {
        foreach (var (field, message) in errors)
            Add(prefix + field, message);
    }

    public Dictionary<string, string[]> ToDictionary() =>
        _byField.ToDictionary(entry => entry.Key, entry => entry.Value.ToArray());
}
