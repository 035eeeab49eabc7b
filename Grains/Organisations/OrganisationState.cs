using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Identity;
using Supporter.Organisations;

namespace Supporter.Grains.Organisations;

/// <summary>
/// Stored state of an organisation. Each member change is copied to the member's account afterwards; members whose
/// copy is not known to be done are listed in <see cref="Unsynced"/> and redone on the next activation.
/// </summary>
[GenerateSerializer, Alias("identity.organisation-state.v1")]
public sealed class OrganisationState : IAuditedState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public OrganisationKind Kind { get; set; }
    [Id(2)] public string Name { get; set; } = "";
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public Dictionary<Guid, OrganisationMember> Members { get; set; } = [];
    [Id(5)] public HashSet<Guid> Unsynced { get; set; } = [];
    [Id(6)] public long Version { get; set; }
    /// <summary>Audit entries stored with the change they record, until they are in the audit log.</summary>
    [Id(7)] public List<AuditEntry> PendingAudit { get; set; } = [];
}
