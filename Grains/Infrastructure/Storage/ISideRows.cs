using Npgsql;

namespace Supporter.Grains.Infrastructure.Storage;

/// <summary>
/// Rows bound for a table of their own that grain states carry until they are there (pending audit entries, say).
/// <see cref="CoalescingGrainStorage"/> takes them out of a state it stores and inserts them in the same transaction
/// — the rows of all the batch's writes in one statement, sent with the relational copies — so they are durable
/// exactly when the state is, and the state is stored without them. A storage that knows nothing of this (memory,
/// the inventory pool's own) stores them with the state, for the grain to insert later. Register one per kind of row
/// in DI (<c>TryAddEnumerable</c>).
/// <para>
/// Unlike <see cref="IRelationalCopy{TState}"/>, which keeps a row per grain up to date, these rows are only ever
/// added, by any number of state types. The insert must leave a row that is there already as it is: a state stored
/// by an older version, or left by a silo that died, may still carry rows that were inserted.
/// </para>
/// </summary>
public interface ISideRows
{
    /// <summary>
    /// Takes the rows <paramref name="state"/> carries out of it, or null when it carries none. Called in the grain's
    /// turn as the write is queued, just before the state is serialized.
    /// </summary>
    object? Take(object state);

    /// <summary>Gives back what <see cref="Take"/> took when its transaction did not commit: the rows stay pending.</summary>
    void PutBack(object state, object rows);

    /// <summary>The one statement inserting the rows of many writes, each as <see cref="Take"/> returned it.</summary>
    NpgsqlBatchCommand Insert(IReadOnlyList<object> taken);
}

/// <summary>Rows taken out of one write's state, and the kind that inserts them.</summary>
public sealed record TakenRows(ISideRows Kind, object Rows);
