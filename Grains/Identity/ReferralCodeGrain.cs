using Supporter.Grains.Infrastructure;
using Supporter.Identity;

namespace Supporter.Grains.Identity;

/// <summary>A referrer code and its owner; the first claim wins for good.</summary>
[GrainType("referralcode")]
public sealed class ReferralCodeGrain(
    [PersistentState("referral-code", StorageNames.Domain)] IPersistentState<ReferralCodeState> state) : Grain, IReferralCodeGrain
{
    public async Task<bool> Claim(Guid userId)
    {
        if (state.State.Owner is { } owner)
            return owner == userId;
        state.State.Owner = userId;
        await this.WriteOrReloadAsync(state, $"Referrer code {this.GetPrimaryKeyString()}");
        return true;
    }

    public Task<Guid?> GetOwner() => Task.FromResult(state.State.Owner);
}

[GenerateSerializer, Alias("identity.referral-code-state.v1")]
public sealed class ReferralCodeState
{
    [Id(0)] public Guid? Owner { get; set; }
}
