using Microsoft.Extensions.Logging;
using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Grains.Infrastructure;
using Supporter.Identity;
using Supporter.Grains.Identity;
using Supporter.Organisations;

namespace Supporter.Grains.Organisations;

/// <summary>
/// Owns an organisation's membership list. A change is stored here first, then copied to the member's account
/// (which puts roles into tokens); the copy is idempotent and retried until it is known to be done.
/// </summary>
[GrainType("organisation")]
public sealed partial class OrganisationGrain(
    [PersistentState("organisation", StorageNames.Domain)] IPersistentState<OrganisationState> state,
    IIdentityDirectory directory,
    DomainClock clock,
    AuditTrails audit,
    ILogger<OrganisationGrain> logger) : Grain, IOrganisationGrain, IRemindable
{
    private AuditTrail? _audit;

    private OrganisationState State => state.State;
    private Guid Id => this.GetPrimaryKey();
    private AuditTrail Audit => _audit ??= audit.For(this, () => state.State.PendingAudit);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!State.Exists)
            return;
        await Audit.FlushAsync();
        try
        {
            await SyncMembersAsync();
            await directory.UpsertOrganisationAsync(Id, State, cancellationToken);
        }
        catch (Exception exception)
        {
            LogSyncFailed(exception, Id);
        }
    }

    public async Task<OrganisationResult> Create(OrganisationKind kind, string name, Guid ownerUserId)
    {
        name = name.Trim();
        if (name.Length is < 1 or > 200)
            return OrganisationResult.Invalid;
        if (State.Exists)
        {
            var same = State.Kind == kind && State.Name == name
                && State.Members.TryGetValue(ownerUserId, out var member) && member.Role == OrganisationRole.Owner;
            if (same)
                await SyncMembersAsync();
            return same ? OrganisationResult.AlreadyExists : OrganisationResult.Conflict;
        }
        var owner = await GrainFactory.GetGrain<IAccountGrain>(ownerUserId).GetAccount()
            ?? throw new InvalidOperationException($"Account {ownerUserId} does not exist.");

        State.Exists = true;
        State.Kind = kind;
        State.Name = name;
        State.CreatedAt = clock.UtcNow;
        State.Members[ownerUserId] = new OrganisationMember(ownerUserId, owner.Email, OrganisationRole.Owner);
        AuditRole(AuditActions.RoleGranted, ownerUserId, OrganisationRole.Owner, ("created", true));
        State.Unsynced.Add(ownerUserId);
        await SaveAsync();
        await SyncMembersAsync();
        return OrganisationResult.Created;
    }

    public Task<OrganisationView?> Get() => Task.FromResult(State.Exists
        ? new OrganisationView(Id, State.Kind, State.Name, [.. State.Members.Values.OrderBy(m => m.Role).ThenBy(m => m.Email)], State.CreatedAt)
        : null);

    public async Task<MemberResult> SetMember(string email, OrganisationRole role)
    {
        if (!State.Exists)
            return MemberResult.NoSuchOrganisation;
        var userId = EmailAddresses.IsValid(email)
            ? await GrainFactory.GetGrain<IEmailLoginGrain>(EmailAddresses.Normalize(email)).FindAccount()
            : null;
        if (userId is not { } id || await GrainFactory.GetGrain<IAccountGrain>(id).GetAccount() is not { } account)
            return MemberResult.NoSuchAccount;
        if (State.Members.TryGetValue(id, out var current))
        {
            if (current.Role == role)
            {
                await SyncMembersAsync();
                return MemberResult.Unchanged;
            }
            if (current.Role == OrganisationRole.Owner && OwnerCount() == 1)
                return MemberResult.LastOwner;
        }
        State.Members[id] = new OrganisationMember(id, account.Email, role);
        AuditRole(AuditActions.RoleGranted, id, role, ("previousRole", current?.Role.Name()));
        State.Unsynced.Add(id);
        await SaveAsync();
        await SyncMembersAsync();
        return MemberResult.Changed;
    }

    public async Task<MemberResult> RemoveMember(Guid userId)
    {
        if (!State.Exists)
            return MemberResult.NoSuchOrganisation;
        if (!State.Members.TryGetValue(userId, out var member))
            return MemberResult.NotAMember;
        if (member.Role == OrganisationRole.Owner && OwnerCount() == 1)
            return MemberResult.LastOwner;
        State.Members.Remove(userId);
        AuditRole(AuditActions.RoleRemoved, userId, member.Role);
        State.Unsynced.Add(userId);
        await SaveAsync();
        await SyncMembersAsync();
        return MemberResult.Changed;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == AuditTrail.ReminderName ? Audit.ReceiveReminderAsync() : Task.CompletedTask;

    private int OwnerCount() => State.Members.Values.Count(m => m.Role == OrganisationRole.Owner);

    /// <summary>Copies each unsynced member's role (or its removal) to their account, then records that.</summary>
    private async Task SyncMembersAsync()
    {
        if (State.Unsynced.Count == 0)
            return;
        foreach (var userId in State.Unsynced.ToList())
        {
            var account = GrainFactory.GetGrain<IAccountGrain>(userId);
            if (State.Members.TryGetValue(userId, out var member))
                await account.GrantMembership(new Membership(Id, State.Kind, member.Role));
            else
                await account.RevokeMembership(Id);
        }
        State.Unsynced.Clear();
        await SaveAsync();
    }

    private async Task SaveAsync()
    {
        State.Version++;
        await this.WriteOrReloadAsync(state, $"Organisation {Id}");
        await Audit.FlushAsync();
        try
        {
            await directory.UpsertOrganisationAsync(Id, State);
        }
        catch (Exception exception)
        {
            LogSyncFailed(exception, Id);
        }
    }

    /// <summary>Keyed by the version the change is stored as: the same change retried is that version again.</summary>
    private void AuditRole(string action, Guid userId, OrganisationRole role, params (string, object?)[] detail) =>
        Audit.Record(action, $"{Id:N}:{userId:N}:{State.Version + 1}", AuditSubjects.Organisation, Id,
            State.Kind == OrganisationKind.Venue ? Id : null,
            [("userId", userId), ("role", role.Name()), ("organisationKind", State.Kind.Name()), .. detail]);

    [LoggerMessage(LogLevel.Warning, "Syncing organisation {OrganisationId} failed; the next call or activation retries")]
    private partial void LogSyncFailed(Exception exception, Guid organisationId);
}
