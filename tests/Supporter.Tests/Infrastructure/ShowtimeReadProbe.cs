using System.Collections.Concurrent;
using Supporter.Showtimes;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// Counts how often a showtime's definition is read (<see cref="IShowtimeGrain.GetDefinition"/> and
/// <see cref="IShowtimeGrain.Find"/>), by showtime, as test silos run. Process-wide, like the other probes.
/// </summary>
public sealed class ShowtimeReadProbe : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<Guid, int> Reads = new();

    public static int ReadsOf(Guid showtimeId) => Reads.GetValueOrDefault(showtimeId);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(IShowtimeGrain)
            && context.InterfaceMethod.Name is nameof(IShowtimeGrain.GetDefinition) or nameof(IShowtimeGrain.Find))
        {
            Reads.AddOrUpdate(context.TargetId.GetGuidKey(), 1, (_, reads) => reads + 1);
        }
        return context.Invoke();
    }
}
