using System.Text.Json;

namespace Supporter.Tests.Infrastructure;

/// <summary>Reading the audit log as support does (GET /admin/audit), and looking into its entries.</summary>
public static class AuditEntries
{
    /// <summary>Every entry matching <paramref name="query"/> (a query string without paging), newest first, over all pages.</summary>
    public static async Task<IReadOnlyList<JsonElement>> ReadAsync(ApiFixture api, string query, HttpClient? reader = null, string path = "/admin/audit")
    {
        reader ??= await api.AdminAsync();
        var entries = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await Catalogue.Ok(await reader.GetAsync($"{path}?{query}&limit=200{(cursor is null ? "" : $"&cursor={cursor}")}"));
            entries.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return entries;
    }

    /// <summary>Every entry about <paramref name="subjectId"/>, newest first.</summary>
    public static Task<IReadOnlyList<JsonElement>> AboutAsync(ApiFixture api, Guid subjectId) => ReadAsync(api, $"subjectId={subjectId}");

    public static IReadOnlyList<JsonElement> OfAction(this IEnumerable<JsonElement> entries, string action) =>
        [.. entries.Where(e => e.GetProperty("action").GetString() == action)];

    public static string Action(this JsonElement entry) => entry.GetProperty("action").GetString()!;

    public static string ActorType(this JsonElement entry) => entry.GetProperty("actorType").GetString()!;

    public static Guid? ActorId(this JsonElement entry) =>
        entry.GetProperty("actorId").ValueKind == JsonValueKind.Null ? null : entry.GetProperty("actorId").GetGuid();

    public static Guid? VenueId(this JsonElement entry) =>
        entry.GetProperty("venueId").ValueKind == JsonValueKind.Null ? null : entry.GetProperty("venueId").GetGuid();

    public static string? Detail(this JsonElement entry, string name) =>
        entry.GetProperty("detail").TryGetProperty(name, out var value) ? value.GetString() : null;

    /// <summary>Checks who made the entry: a user of <paramref name="type"/>, or (no id) <c>system</c> or <c>stripe</c>.</summary>
    public static void MadeBy(this JsonElement entry, string type, Guid? userId = null)
    {
        Assert.Equal(type, entry.ActorType());
        Assert.Equal(userId, entry.ActorId());
    }
}
