using System.Collections.Immutable;
using Supporter.Identity;

namespace Supporter.Organisations;

/// <summary>
/// A venue or booking agency and its members (key: organisation id; a venue organisation's id is the venue's id).
/// Membership changes are copied to the member's <see cref="IAccountGrain"/>, which puts them in the tokens.
/// </summary>
[Alias("organisations.organisation-grain")]
public interface IOrganisationGrain : IGrainWithGuidKey
{
    /// <summary>Creates the organisation with its first owner. The same request again is not an error.</summary>
    Task<OrganisationResult> Create(OrganisationKind kind, string name, Guid ownerUserId);

    Task<OrganisationView?> Get();

    /// <summary>Gives the account with this address a role (adding it as a member if needed).</summary>
    Task<MemberResult> SetMember(string email, OrganisationRole role);

    Task<MemberResult> RemoveMember(Guid userId);
}

[GenerateSerializer, Alias("identity.organisation-result")]
public enum OrganisationResult
{
    Created = 0,
    AlreadyExists = 1,
    /// <summary>The id is taken by a different organisation.</summary>
    Conflict = 2,
    Invalid = 3,
}

[GenerateSerializer, Alias("identity.member-result")]
public enum MemberResult
{
    Changed = 0,
    Unchanged = 1,
    NoSuchOrganisation = 2,
    NoSuchAccount = 3,
    NotAMember = 4,
    /// <summary>An organisation keeps at least one owner.</summary>
    LastOwner = 5,
}

[GenerateSerializer, Immutable, Alias("identity.organisation-view")]
public sealed record OrganisationView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] OrganisationKind Kind,
    [property: Id(2)] string Name,
    [property: Id(3)] ImmutableArray<OrganisationMember> Members,
    [property: Id(4)] DateTimeOffset CreatedAt);

[GenerateSerializer, Immutable, Alias("identity.organisation-member")]
public sealed record OrganisationMember(
    [property: Id(0)] Guid UserId,
    [property: Id(1)] string Email,
    [property: Id(2)] OrganisationRole Role);
