namespace Supporter.Api.Catalogue;

public sealed record EventPage(IReadOnlyList<EventListItem> Items, string? NextCursor, int Limit);

public sealed record EventListItem(
    Guid Id, string Title, ArtistRef Artist, VenueRef Venue, IReadOnlyList<string> Genres, string Status,
    DateTimeOffset? FirstStartsAt, DateTimeOffset? LastStartsAt, int ShowtimeCount, Price? PriceFrom, string Availability);

public sealed record ArtistRef(string Name, string Slug);

public sealed record VenueRef(Guid Id, string Name, string City);

/// <summary>An amount in minor units (cents) of a currency.</summary>
public sealed record Price(string Currency, long AmountMinor);

public sealed record PublicEvent(
    Guid Id, string Title, ArtistRef Artist, PublicVenue Venue, string Description, IReadOnlyList<string> Genres, string Status,
    string? StatusReason, Guid? TourId, IReadOnlyList<PublicShowtime> Showtimes);

public sealed record PublicVenue(Guid Id, string Name, string Address, string City, string PostalCode, string Country, double? Latitude, double? Longitude, string TimeZone);

public sealed record PublicShowtime(
    Guid Id, string Title, DateTimeOffset? DoorsAt, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, string TimeZone,
    string LocalStartsAt, string? Currency, int? PerSupporterCap, string Availability,
    IReadOnlyList<PublicTicketType> TicketTypes, IReadOnlyList<PublicAddOn> AddOns);

public sealed record PublicTicketType(
    string Code, string Name, long PriceMinor, long FeeMinor, long TotalMinor, int MaxPerOrder, string EntryRule,
    DateTimeOffset? PresaleStartsAt, DateTimeOffset? PresaleEndsAt, DateTimeOffset? OnSaleAt, DateTimeOffset? SaleEndsAt, string Availability);

public sealed record PublicAddOn(string Code, string Name, long PriceMinor, int MaxPerOrder, string Availability);
