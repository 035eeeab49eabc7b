using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// Fake business clocks handed to in-process silos by id (silo configurators are created by type, so they cannot
/// be given objects directly).
/// </summary>
public static class TestClocks
{
    private static readonly ConcurrentDictionary<string, FakeTimeProvider> Clocks = new();

    public static (string Id, FakeTimeProvider Clock) Create()
    {
        var id = Guid.NewGuid().ToString("N");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Clocks[id] = clock;
        return (id, clock);
    }

    public static FakeTimeProvider Get(string id) => Clocks[id];
}
