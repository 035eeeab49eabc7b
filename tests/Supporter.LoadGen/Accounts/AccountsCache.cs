using System.Text.Json;

namespace Supporter.LoadGen.Accounts;

/// <summary>
/// Signed-in supporters kept in a file between runs (<c>--accounts-cache</c>), so a series of short runs (a
/// comparison, a sweep) does not hash hundreds of passwords before each one. An entry is used only for the same
/// prefix and count and while its tokens are young enough to outlive a run; otherwise the accounts are signed in again.
/// </summary>
public static class AccountsCache
{
    // Access tokens live 5 minutes by default (Jwt:AccessTokenLifetime); a run needs them for its whole length.
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(3);

    private sealed record Entry(string Prefix, int Count, DateTimeOffset SignedInAt, IReadOnlyList<VirtualSupporter> Supporters);

    public static async Task<IReadOnlyList<VirtualSupporter>> GetOrProvisionAsync(string? path, string prefix, int count,
        Func<Task<IReadOnlyList<VirtualSupporter>>> provision, CancellationToken cancellationToken)
    {
        if (path is null)
            return await provision();
        if (File.Exists(path))
        {
            await using var read = File.OpenRead(path);
            var entry = await JsonSerializer.DeserializeAsync<Entry>(read, cancellationToken: cancellationToken);
            if (entry is not null && entry.Prefix == prefix && entry.Count == count && DateTimeOffset.UtcNow - entry.SignedInAt < MaxAge)
                return entry.Supporters;
        }
        var signedInAt = DateTimeOffset.UtcNow;
        var supporters = await provision();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var write = File.Create(path);
        await JsonSerializer.SerializeAsync(write, new Entry(prefix, count, signedInAt, supporters), cancellationToken: cancellationToken);
        return supporters;
    }
}
