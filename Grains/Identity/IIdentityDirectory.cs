using Supporter.Grains.Organisations;
namespace Supporter.Grains.Identity;

/// <summary>
/// The relational copy of accounts and organisations, for queries and reports. Writes are idempotent upserts that
/// only move a row forward (by the state's version).
/// </summary>
public interface IIdentityDirectory
{
    Task UpsertAccountAsync(Guid userId, AccountState account, CancellationToken cancellationToken = default);

    Task UpsertOrganisationAsync(Guid organisationId, OrganisationState organisation, CancellationToken cancellationToken = default);
}

/// <summary>The explicit in-memory mode keeps no relational copy.</summary>
public sealed class NoIdentityDirectory : IIdentityDirectory
{
    public Task UpsertAccountAsync(Guid userId, AccountState account, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task UpsertOrganisationAsync(Guid organisationId, OrganisationState organisation, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
