namespace Supporter.Catalogue;

/// <summary>What became of a catalogue command. Expected refusals are outcomes, not exceptions.</summary>
[GenerateSerializer, Alias("catalogue.outcome")]
public enum CatalogueOutcome
{
    Created = 0,
    Updated = 1,
    /// <summary>The command asked for what already is; nothing changed.</summary>
    Unchanged = 2,
    /// <summary>No such thing, or the caller may not know of it (another organisation's draft).</summary>
    NotFound = 3,
    /// <summary>The caller sees it but may not change it.</summary>
    Forbidden = 4,
    /// <summary>The input breaks a rule; see the errors, keyed by field.</summary>
    Invalid = 5,
    /// <summary>The change is not possible in the current state (see the detail).</summary>
    Conflict = 6,
    /// <summary>The caller's expected version is not the current one.</summary>
    VersionMismatch = 7,
}
