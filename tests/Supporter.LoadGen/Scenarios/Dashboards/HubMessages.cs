namespace Supporter.LoadGen.Scenarios.Dashboards;

/// <summary>The capacity hub's <c>Capacity</c> message as it travels (docs/capacity.md): one ticket type's durable figures.</summary>
public sealed record HubFigures(Guid ShowtimeId, string Code, int Capacity, int Held, int Sold, int Remaining, long Version, DateTimeOffset AsOf);

/// <summary>What <c>JoinShowtime</c> answers: every ticket type's figures at the moment of joining.</summary>
public sealed record HubSnapshot(Guid ShowtimeId, int Capacity, IReadOnlyList<HubFigures> TicketTypes);

/// <summary>A pool's row as the database holds it, read by the sampler and by the end-of-run comparison.</summary>
public sealed record PoolRow(string Code, int Allocation, int Held, int Sold, long Revision, DateTimeOffset ModifiedOn);
