using Supporter.Grains.Infrastructure;
using Supporter.Identity;

namespace Supporter.Grains.Identity;

/// <summary>
/// Owns one provider account's link to ours. Not reentrant. Linking is two steps (this grain, then the account's
/// list of linked logins); the first stores what the second needs, and any later call finishes it.
/// </summary>
[GrainType("externallogin")]
public sealed class ExternalLoginGrain(
    [PersistentState("external-login", StorageNames.Domain)] IPersistentState<ExternalLoginState> state,
    DomainClock clock) : Grain, IExternalLoginGrain
{
    private ExternalLoginState State => state.State;

    public async Task<ExternalSignInResult> SignIn(ExternalIdentity identity, ClientInfo client)
    {
        if (State.UserId is { } linked)
        {
            // Already linked: keep the newest grant, then sign in.
            await LinkAsync(linked, identity);
            return new ExternalSignedIn(await Account(linked).StartSession(client), AccountCreated: false);
        }

        if (State.CreatingUserId is null)
        {
            var existing = EmailAddresses.IsValid(identity.Email)
                ? await GrainFactory.GetGrain<IEmailLoginGrain>(EmailAddresses.Normalize(identity.Email!)).FindAccount()
                : null;
            if (existing is { } owner)
                return identity.EmailVerified ? new LinkConfirmationRequired(owner) : new UnverifiedEmailInUse();
            State.CreatingUserId = Guid.NewGuid();
            await SaveAsync();
        }

        // A crash after the id was chosen lands here again and finishes the same account.
        var (userId, ours) = await CreateAccountAsync(identity, State.CreatingUserId.Value);
        if (!ours)
        {
            // Somebody registered the address between our check and our claim: it is theirs to link.
            State.CreatingUserId = null;
            await SaveAsync();
            return new LinkConfirmationRequired(userId);
        }
        await LinkAsync(userId, identity);
        return new ExternalSignedIn(await Account(userId).StartSession(client), AccountCreated: true);
    }

    public async Task<LinkResult> Link(Guid userId, ExternalIdentity identity)
    {
        if (State.UserId is { } linked && linked != userId)
            return LinkResult.LinkedElsewhere;
        if (await Account(userId).GetAccount() is null)
            return LinkResult.NoSuchAccount;
        var already = State.UserId == userId;
        await LinkAsync(userId, identity);
        return already ? LinkResult.AlreadyLinked : LinkResult.Linked;
    }

    public async Task Unlinked(Guid userId)
    {
        if (State.UserId != userId)
            return;
        State.UserId = null;
        await SaveAsync();
    }

    /// <summary>
    /// Creates the supporter account of a first sign-in. A verified address is claimed, so it cannot be registered
    /// again; if someone else claimed it meanwhile, their account id comes back instead. An unverified address is
    /// only recorded on the account: it proves nothing, so it must not keep its real owner from registering.
    /// </summary>
    private async Task<(Guid UserId, bool Ours)> CreateAccountAsync(ExternalIdentity identity, Guid userId)
    {
        var requestId = $"external:{this.GetPrimaryKeyString()}:{userId:N}";
        var displayName = identity.DisplayName.Trim() is { Length: > 0 } name ? name[..Math.Min(name.Length, 80)] : "Supporter";
        var details = new ProfileDetails(displayName, "", [], false, "en");
        if (identity.EmailVerified && EmailAddresses.IsValid(identity.Email))
        {
            var claimed = await GrainFactory.GetGrain<IEmailLoginGrain>(EmailAddresses.Normalize(identity.Email!))
                .ClaimForExternalSignIn(new NewAccount(requestId, identity.Email!.Trim(), UserType.Supporter, details, null));
            return (claimed.UserId, claimed.Created);
        }
        await Account(userId).Create(new NewAccount(requestId, identity.Email?.Trim() ?? "", UserType.Supporter, details, null));
        return (userId, true);
    }

    private async Task LinkAsync(Guid userId, ExternalIdentity identity)
    {
        var login = new LinkedLogin(identity.Provider, identity.Subject, identity.Email, identity.Scopes, clock.UtcNow,
            identity.ProtectedAccessToken, identity.ProtectedRefreshToken);
        if (State.UserId != userId || State.CreatingUserId is not null)
        {
            State.UserId = userId;
            State.CreatingUserId = null;
            await SaveAsync();
        }
        await Account(userId).AddLinkedLogin(login);
    }

    private IAccountGrain Account(Guid userId) => GrainFactory.GetGrain<IAccountGrain>(userId);

    private async Task SaveAsync()
    {
        await this.WriteOrReloadAsync(state, $"External login {this.GetPrimaryKeyString()}");
    }
}

/// <summary>
/// Stored state of a provider account's link. <see cref="CreatingUserId"/> is set while its first sign-in creates an
/// account, so a crash in between finishes the same account instead of making another.
/// </summary>
[GenerateSerializer, Alias("identity.external-login-state.v1")]
public sealed class ExternalLoginState
{
    [Id(0)] public Guid? UserId { get; set; }
    [Id(1)] public Guid? CreatingUserId { get; set; }
}
