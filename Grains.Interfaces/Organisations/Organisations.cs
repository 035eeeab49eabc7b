namespace Supporter.Organisations;

/// <summary>Venues and booking agencies are organisations; their staff act for them through memberships.</summary>
[GenerateSerializer, Alias("identity.organisation-kind")]
public enum OrganisationKind
{
    Venue = 0,
    BookingAgency = 1,
}

/// <summary>
/// What a member may do for an organisation: owners manage everything including members, managers manage the
/// organisation's showtimes and door staff, door staff scan tickets.
/// </summary>
[GenerateSerializer, Alias("identity.organisation-role")]
public enum OrganisationRole
{
    Owner = 0,
    Manager = 1,
    DoorStaff = 2,
}

/// <summary>One organisation role of one account, as carried in its tokens.</summary>
[GenerateSerializer, Immutable, Alias("identity.membership")]
public sealed record Membership(
    [property: Id(0)] Guid OrganisationId,
    [property: Id(1)] OrganisationKind Kind,
    [property: Id(2)] OrganisationRole Role);

/// <summary>The wire names of the organisation enums.</summary>
public static class OrganisationNames
{
    public static string Name(this OrganisationKind kind) => kind switch
    {
        OrganisationKind.Venue => "venue",
        OrganisationKind.BookingAgency => "booking_agency",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string Name(this OrganisationRole role) => role switch
    {
        OrganisationRole.Owner => "owner",
        OrganisationRole.Manager => "manager",
        OrganisationRole.DoorStaff => "door_staff",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static bool TryParseKind(string? name, out OrganisationKind kind) => TryParse(name, Name, out kind);

    public static bool TryParseRole(string? name, out OrganisationRole role) => TryParse(name, Name, out role);

    private static bool TryParse<T>(string? name, Func<T, string> nameOf, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(nameOf(candidate), name, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }
}
