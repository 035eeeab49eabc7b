using System.Security.Cryptography;
using System.Text;

namespace Supporter.Orders;

/// <summary>
/// Order ids are derived from the supporter and their idempotency key, so every retry of a request lands on the
/// same order grain (which remembers what it answered) without a lookup table.
/// </summary>
public static class OrderIds
{
    public const int MaxKeyLength = IdempotencyKeys.MaxLength;

    public static Guid For(Guid supporterId, string idempotencyKey) =>
        Derived($"order/{supporterId:N}/{idempotencyKey}");

    /// <summary>The n-th ticket of an order line: minting it again yields the same ticket.</summary>
    public static Guid Ticket(Guid orderId, int line, int index) => Derived($"ticket/{orderId:N}/{line}/{index}");

    /// <summary>A refund of an order, by whoever asked and their idempotency key.</summary>
    public static Guid Refund(Guid orderId, Guid requestedBy, string idempotencyKey) =>
        Derived($"refund/{orderId:N}/{requestedBy:N}/{idempotencyKey}");

    /// <summary>A transfer of a ticket, by its holder's idempotency key.</summary>
    public static Guid Transfer(Guid ticketId, Guid holderId, string idempotencyKey) =>
        Derived($"transfer/{ticketId:N}/{holderId:N}/{idempotencyKey}");

    /// <summary>A name-based id (RFC 9562 version 8 layout over SHA-256), stable across processes.</summary>
    private static Guid Derived(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
