using System.Security.Cryptography;
using System.Text;
using Supporter.Identity;

namespace Supporter.Grains.Identity;

/// <summary>Sessions: refresh-token families with rotation and reuse detection.</summary>
public sealed partial class AccountGrain
{
    private const int MaxRememberedRotations = 100;

    public async Task<IssuedSession> StartSession(ClientInfo client)
    {
        if (!State.Exists)
            throw new InvalidOperationException($"Account {UserId} does not exist, so it cannot sign in.");
        var now = clock.UtcNow;
        Prune(now);
        var active = State.Sessions.Values.Where(s => s.IsActive(now)).OrderBy(s => s.CreatedAt).ToList();
        foreach (var oldest in active.Take(Math.Max(0, active.Count - options.Value.MaxSessionsPerAccount + 1)))
            Revoke(oldest, now, "too many sessions");

        var secret = NewSecret();
        var session = new StoredSession
        {
            Id = Guid.NewGuid(),
            CreatedAt = now,
            LastUsedAt = now,
            ExpiresAt = now + options.Value.SessionLifetime,
            CurrentHash = Hash(secret),
            Client = client,
        };
        State.Sessions[session.Id] = session;
        await SaveAsync();
        return Issue(session, secret);
    }

    public async Task<RefreshResult> Refresh(Guid sessionId, string secret, ClientInfo client)
    {
        var now = clock.UtcNow;
        if (!State.Sessions.TryGetValue(sessionId, out var session))
            return new RefreshRefused(RefreshRefusal.Unknown);
        var presented = Hash(secret);
        var isCurrent = CryptographicOperations.FixedTimeEquals(presented, session.CurrentHash);
        var wasRotated = !isCurrent && session.PreviousHashes.Any(h => CryptographicOperations.FixedTimeEquals(presented, h));
        if (!isCurrent && !wasRotated)
            return new RefreshRefused(RefreshRefusal.Unknown);
        if (session.RevokedAt is not null)
            return new RefreshRefused(RefreshRefusal.Revoked);
        if (session.ExpiresAt <= now)
            return new RefreshRefused(RefreshRefusal.Expired);
        if (wasRotated && IsRetryOfLastRotation(session, presented, now))
        {
            // The client never saw the answer to its last refresh (a timeout, a dropped connection): let the token it
            // still has rotate once more instead of treating the retry as theft. Outside the window, it is reuse.
            wasRotated = false;
        }
        if (wasRotated)
        {
            // Both the supporter and whoever copied the token hold a token of this family; neither may go on.
            Revoke(session, now, "refresh token reused");
            await SaveAsync();
            return new RefreshRefused(RefreshRefusal.Reused);
        }

        var next = NewSecret();
        session.PreviousHashes.Add(session.CurrentHash);
        // Bounded: a token older than this many rotations is refused as unknown, without revoking.
        if (session.PreviousHashes.Count > MaxRememberedRotations)
            session.PreviousHashes.RemoveAt(0);
        session.CurrentHash = Hash(next);
        session.LastUsedAt = now;
        session.Client = client;
        await SaveAsync();
        return new Refreshed(Issue(session, next));
    }

    public async Task<bool> EndSession(Guid sessionId)
    {
        var now = clock.UtcNow;
        if (!State.Sessions.TryGetValue(sessionId, out var session) || !session.IsActive(now))
            return false;
        Revoke(session, now, "signed out");
        await SaveAsync();
        return true;
    }

    public async Task PasswordChanged()
    {
        if (!State.Exists)
            throw new InvalidOperationException($"Account {UserId} does not exist.");
        State.HasPassword = true;
        foreach (var session in State.Sessions.Values.Where(s => s.IsActive(clock.UtcNow)))
            Revoke(session, clock.UtcNow, "password changed");
        await SaveAsync();
    }

    public async Task<int> EndAllSessions()
    {
        var now = clock.UtcNow;
        var active = State.Sessions.Values.Where(s => s.IsActive(now)).ToList();
        if (active.Count == 0)
            return 0;
        foreach (var session in active)
            Revoke(session, now, "signed out everywhere");
        await SaveAsync();
        return active.Count;
    }

    private bool IsRetryOfLastRotation(StoredSession session, byte[] presented, DateTimeOffset now) =>
        session.PreviousHashes.Count > 0
        && CryptographicOperations.FixedTimeEquals(presented, session.PreviousHashes[^1])
        && now - session.LastUsedAt <= options.Value.RefreshRetryWindow;

    private IssuedSession Issue(StoredSession session, string secret) => new(
        session.Id,
        RefreshTokens.Format(UserId, session.Id, secret),
        session.ExpiresAt,
        new AccountClaims(UserId, State.Type, State.Email, [.. State.Memberships.Values]));

    private static void Revoke(StoredSession session, DateTimeOffset now, string because)
    {
        session.RevokedAt = now;
        session.RevokedBecause = because;
    }

    /// <summary>Ended sessions are kept a while (reuse of their tokens is still recognised), then forgotten.</summary>
    private void Prune(DateTimeOffset now)
    {
        foreach (var ended in State.Sessions.Values.Where(s => !s.IsActive(now) && (s.RevokedAt ?? s.ExpiresAt) < now - TimeSpan.FromDays(30)).ToList())
            State.Sessions.Remove(ended.Id);
    }

    private static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
