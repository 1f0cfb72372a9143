using System.Globalization;

namespace Hitl.Policy.Review;

/// <summary>
/// The paging cursor of <see cref="ICaseStore.QueryAsync"/> for store implementations: keyset paging on the query's
/// order key and the case id, so that a page never repeats or skips a case that did not move. The cursor names its
/// order, so a cursor given for another order is refused.
/// </summary>
public static class CaseCursor
{
    /// <summary>The sort key of a case in an order (UTC ticks of its opening or its deadline; no deadline sorts last).</summary>
    /// <param name="order">The order.</param>
    /// <param name="record">The case.</param>
    /// <returns>The key.</returns>
    public static long SortKey(CaseOrder order, CaseRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return order == CaseOrder.Deadline ? record.DeadlineAt?.UtcTicks ?? long.MaxValue : record.OpenedAt.UtcTicks;
    }

    /// <summary>The cursor that continues after a case.</summary>
    /// <param name="order">The query's order.</param>
    /// <param name="last">The last case of the page.</param>
    /// <returns>The cursor.</returns>
    public static string After(CaseOrder order, CaseRecord last) =>
        string.Create(CultureInfo.InvariantCulture, $"{(order == CaseOrder.Deadline ? 'd' : 'o')}{SortKey(order, last)}:{last.Id}");

    /// <summary>Reads a cursor back.</summary>
    /// <param name="order">The query's order.</param>
    /// <param name="cursor">The cursor.</param>
    /// <returns>The sort key and case id to continue after.</returns>
    /// <exception cref="ArgumentException">The cursor is not one this order gives (the message quotes it).</exception>
    public static (long SortKey, string CaseId) Parse(CaseOrder order, string cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        var colon = cursor.IndexOf(':', StringComparison.Ordinal);
        var tag = order == CaseOrder.Deadline ? 'd' : 'o';
        if (cursor.Length < 3 || cursor[0] != tag || colon < 2 || colon == cursor.Length - 1
            || !long.TryParse(cursor.AsSpan(1, colon - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key))
        {
            throw new ArgumentException(
                $"CaseQuery.After: '{(cursor.Length > 200 ? cursor[..200] + "…" : cursor)}' is not a cursor of a query ordered by {order}; pass CasePage.Next of the page before.",
                nameof(cursor));
        }

        return (key, cursor[(colon + 1)..]);
    }

    /// <summary>
    /// The page a store returns from the rows it fetched in the query's order, one more than the limit when there are:
    /// the extra row is dropped and says that a next page exists, which starts after the last case kept.
    /// </summary>
    /// <param name="query">The query.</param>
    /// <param name="rows">Up to <see cref="CaseQuery.Limit"/> + 1 cases, in the query's order; the list is changed.</param>
    /// <returns>The page.</returns>
    public static CasePage Page(CaseQuery query, List<CaseRecord> rows)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count <= query.Limit)
        {
            return new CasePage(rows, null);
        }

        rows.RemoveRange(query.Limit, rows.Count - query.Limit);
        return new CasePage(rows, After(query.OrderBy, rows[^1]));
    }

    /// <summary>Counts by state to fill in, as <see cref="ICaseCounts.CountAsync"/> returns them: every state a key, each at 0.</summary>
    /// <returns>A new map.</returns>
    public static Dictionary<CaseState, long> ZeroCounts() => Enum.GetValues<CaseState>().ToDictionary(s => s, _ => 0L);

    /// <summary>A state as a store's state column holds it (the <see cref="CaseState"/> name exactly as written), or <see langword="null"/> when the text is no state's name.</summary>
    /// <param name="text">The column's text.</param>
    /// <returns>The state, or <see langword="null"/>.</returns>
    public static CaseState? ParseState(string text) =>
        Enum.TryParse<CaseState>(text, ignoreCase: false, out var state) && Enum.IsDefined(state)
        && string.Equals(state.ToString(), text, StringComparison.Ordinal)
            ? state
            : null;

    /// <summary>Checks a query's limit and filters as every store must; throws naming the field and the value.</summary>
    /// <param name="query">The query.</param>
    /// <exception cref="ArgumentException">The query is not valid.</exception>
    public static void Validate(CaseQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > CaseQuery.MaxLimit)
        {
            throw new ArgumentException($"CaseQuery.Limit: must be 1 to {CaseQuery.MaxLimit}, found {query.Limit}.", nameof(query));
        }

        if (!Enum.IsDefined(query.OrderBy))
        {
            throw new ArgumentException($"CaseQuery.OrderBy: {(int)query.OrderBy} is not a CaseOrder.", nameof(query));
        }

        if (query.After is { } after)
        {
            Parse(query.OrderBy, after);
        }
    }

    /// <summary>Whether a case passes the query's filters (the in-memory store's test; a database writes it as SQL).</summary>
    /// <param name="query">The query.</param>
    /// <param name="record">The case.</param>
    /// <returns>Whether it is listed.</returns>
    public static bool Matches(CaseQuery query, CaseRecord record)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(record);
        return (query.States is null || query.States.Contains(record.State))
            && (query.ActionType is null || string.Equals(query.ActionType, record.ActionType, StringComparison.Ordinal))
            && (query.RequiredTiers is null || (record.RequiredTier is { } tier && query.RequiredTiers.Contains(tier, StringComparer.Ordinal)))
            && (query.NotInvolving is not { } person || !(string.Equals(person, record.Requester, StringComparison.Ordinal) || string.Equals(person, record.Subject, StringComparison.Ordinal)
                || record.Approvers.Contains(person, StringComparer.Ordinal) || record.PriorDeciders.Contains(person, StringComparer.Ordinal)))
            && (query.Subject is null || string.Equals(query.Subject, record.Subject, StringComparison.Ordinal))
            && (query.OpenedFrom is not { } from || record.OpenedAt >= from)
            && (query.OpenedBefore is not { } before || record.OpenedAt < before)
            && (query.DeadlineBy is not { } by || record.DeadlineAt <= by)
            && (query.RetentionEndedBy is not { } ended || (!record.IsOpen && !record.LegalHold && record.RetainUntil <= ended));
    }
}
