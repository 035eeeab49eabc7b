using System.Globalization;

namespace Supporter.LoadGen.Faults;

/// <summary>
/// Faults someone injected during the run, read from a file they append to: one line per fault,
/// <c>&lt;Unix time in ms&gt; &lt;label&gt;</c> (as <c>echo "$(date +%s%3N) silo-kill" &gt;&gt; marks</c> writes). Read
/// again at every sample, so a mark lands on the timeline at the second it happened.
/// </summary>
public sealed class FaultMarks(string? path, DateTimeOffset runStartedAt)
{
    private readonly List<FaultMark> _marks = [];
    private long _readUpTo;

    public IReadOnlyList<FaultMark> Marks { get { lock (_marks) return [.. _marks]; } }

    /// <summary>Reads the lines added since the last look. Called by the sampler only.</summary>
    public void Refresh()
    {
        if (path is null || !File.Exists(path))
            return;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (file.Length <= _readUpTo)
            return;
        file.Seek(_readUpTo, SeekOrigin.Begin);
        using var reader = new StreamReader(file);
        var text = reader.ReadToEnd();
        // Only whole lines: a writer may be half-way through one.
        var complete = text.LastIndexOf('\n') + 1;
        _readUpTo += System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(0, complete));
        foreach (var line in text[..complete].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var unixMs))
                continue;
            var second = (DateTimeOffset.FromUnixTimeMilliseconds(unixMs) - runStartedAt).TotalSeconds;
            lock (_marks)
                _marks.Add(new FaultMark(parts[1], Math.Round(second, 3)));
        }
    }
}

/// <summary>A fault, <see cref="Second"/>s after the run started (the timeline's clock).</summary>
public sealed record FaultMark(string Label, double Second);
