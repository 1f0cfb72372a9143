using Hitl.Policy.Review;

namespace Hitl.Policy.AspNetCore.Inbox;

/// <summary>Counts of cases by state, from the store's own count (<see cref="ICaseCounts"/>) or, for a store without one, by paging up to a bound.</summary>
internal sealed record InboxCounts(IReadOnlyDictionary<CaseState, long> ByState, bool AtLeast)
{
    /// <summary>How many cases a store without <see cref="ICaseCounts"/> is paged through before the count says "at least".</summary>
    public const int PagedBound = 10_000;

    public long this[CaseState state] => ByState.TryGetValue(state, out var n) ? n : 0;

    public static async ValueTask<InboxCounts> OfAsync(ICaseStore store, CaseQuery query, CancellationToken cancellationToken)
    {
        if (store is ICaseCounts counts)
        {
            return new(await counts.CountAsync(query, cancellationToken).ConfigureAwait(false), false);
        }

        var byState = CaseCursor.ZeroCounts();
        var seen = 0;
        var page = query with { Limit = CaseQuery.MaxLimit, After = null };
        while (true)
        {
            var result = await store.QueryAsync(page, cancellationToken).ConfigureAwait(false);
            foreach (var c in result.Cases)
            {
                byState[c.State]++;
            }

            seen += result.Cases.Count;
            if (result.Next is null)
            {
                return new(byState, false);
            }

            if (seen >= PagedBound)
            {
                return new(byState, true);
            }

            page = page with { After = result.Next };
        }
    }
}
