namespace Supporter.Identity;

/// <summary>What kind of party an account belongs to. Fixed at registration.</summary>
[GenerateSerializer, Alias("identity.user-type")]
public enum UserType
{
    Supporter = 0,
    Venue = 1,
    BookingAgent = 2,
    Artist = 3,
    Admin = 4,
}

/// <summary>The wire names of <see cref="UserType"/> (snake_case, as in tokens and JSON).</summary>
public static class UserTypes
{
    public const string Supporter = "supporter";
    public const string Venue = "venue";
    public const string BookingAgent = "booking_agent";
    public const string Artist = "artist";
    public const string Admin = "admin";

    public static string Name(this UserType type) => type switch
    {
        UserType.Supporter => Supporter,
        UserType.Venue => Venue,
        UserType.BookingAgent => BookingAgent,
        UserType.Artist => Artist,
        UserType.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool TryParse(string? name, out UserType type)
    {
        foreach (var candidate in Enum.GetValues<UserType>())
        {
            if (string.Equals(candidate.Name(), name, StringComparison.Ordinal))
            {
                type = candidate;
                return true;
            }
        }
        type = default;
        return false;
    }

    /// <summary>The types anyone may choose at registration; admins are made by admins.</summary>
    public static readonly IReadOnlyList<UserType> SelfRegistered = [UserType.Supporter, UserType.Venue, UserType.BookingAgent, UserType.Artist];
}
