using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using static Hitl.Policy.CaseStoreContract.Samples;

namespace Hitl.Policy.CaseStoreContract;

/// <summary>What every <see cref="ICaseStore"/> must do, run against each store (the file is shared by the store packages' test projects).</summary>
public abstract class CaseStoreContractTests : IAsyncLifetime
{
    private readonly List<object> _opened = [];

    /// <summary>Opens a new, empty store (keyed when a ring is given).</summary>
    protected abstract ICaseStore CreateStore(AuditKeyRing? keys);

    protected ICaseStore Open(AuditKeyRing? keys = null)
    {
        var store = CreateStore(keys);
        _opened.Add(store);
        return store;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Create_get_update_round_trips_the_whole_record()
    {
        var store = Open();
        var created = await store.CommitAsync(Create(Case("c-1", deadline: Start.AddHours(4))));
        Assert.Equal(1, created.Case.Version);
        Assert.Single(created.Records);
        Assert.Equal("c-1", created.Records[0].Entry.CaseId);

        var read = await store.GetAsync("c-1");
        Assert.Equal(JsonOf(created.Case), JsonOf(read));

        var updated = await store.CommitAsync(Update(read!, c => c with { State = CaseState.Approved, Approvers = ["ana"], LastDecider = "ana", ClosedAt = Start.AddHours(1) }));
        Assert.Equal(2, updated.Case.Version);
        var reread = await store.GetAsync("c-1");
        Assert.Equal(JsonOf(updated.Case), JsonOf(reread));
        Assert.Equal(CaseState.Approved, reread!.State);
        Assert.Equal(["ana"], reread.Approvers);
        Assert.Null(await store.GetAsync("no-such-case"));
    }

    [Fact]
    public async Task Versions_go_up_by_one_per_commit_and_records_chain_in_order()
    {
        var store = Open();
        var current = (await store.CommitAsync(Create(Case("c-v")))).Case;
        for (var i = 2; i <= 6; i++)
        {
            var result = await store.CommitAsync(Update(current, entries: [Entry("c-v", index: i), Entry("c-v", ActKind.Executed, i)]));
            Assert.Equal(i, result.Case.Version);
            Assert.Equal(2, result.Records.Count);
            Assert.Equal(result.Records[0].Sequence + 1, result.Records[1].Sequence);
            Assert.Equal(result.Records[0].Hash, result.Records[1].PreviousHash);
            current = result.Case;
        }

        Assert.Equal(6, (await store.GetAsync("c-v"))!.Version);
        Assert.Equal(11, (await TrailAsync(store.Audit)).Count);
    }

    [Fact]
    public async Task A_stale_commit_conflicts_and_writes_nothing()
    {
        var store = Open();
        var v1 = (await store.CommitAsync(Create(Case("c-s")))).Case;
        var v2 = (await store.CommitAsync(Update(v1))).Case;
        var trailBefore = await TrailAsync(store.Audit);

        var conflict = await Assert.ThrowsAsync<CaseConflictException>(async () =>
            await store.CommitAsync(Update(v1, c => c with { State = CaseState.Rejected }, Entry("c-s", ActKind.Rejected))));
        Assert.Equal("c-s", conflict.CaseId);
        Assert.Equal(1, conflict.ExpectedVersion);
        Assert.Equal(2, conflict.ActualVersion);

        Assert.Equal(JsonOf(v2), JsonOf(await store.GetAsync("c-s")));
        var trailAfter = await TrailAsync(store.Audit);
        Assert.Equal(trailBefore.Select(r => r.Hash), trailAfter.Select(r => r.Hash));
    }

    [Fact]
    public async Task Creating_an_existing_case_conflicts_and_updating_a_missing_one_too()
    {
        var store = Open();
        await store.CommitAsync(Create(Case("c-e")));
        var exists = await Assert.ThrowsAsync<CaseConflictException>(async () => await store.CommitAsync(Create(Case("c-e"))));
        Assert.Equal(0, exists.ExpectedVersion);
        Assert.Equal(1, exists.ActualVersion);
        Assert.Contains("exists already", exists.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<CaseConflictException>(async () => await store.CommitAsync(Update(Case("c-missing") with { Version = 3 })));
        Assert.Null(missing.ActualVersion);
        Assert.Single(await TrailAsync(store.Audit));
    }

    [Fact]
    public async Task Only_one_of_many_parallel_creates_of_one_id_wins()
    {
        var store = Open();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                await store.CommitAsync(Create(Case("c-race"), Entry("c-race", ActKind.Decided, i)));
                return true;
            }
            catch (CaseConflictException)
            {
                return false;
            }
        }));
        Assert.Equal(1, attempts.Count(won => won));
        Assert.Single(await TrailAsync(store.Audit));
    }

    [Fact]
    public async Task A_purge_deletes_the_case_and_still_records_it()
    {
        var store = Open();
        var closed = (await store.CommitAsync(Create(Case("c-p", state: CaseState.Approved, retainUntil: Start.AddDays(30))))).Case;
        await store.CommitAsync(Create(Case("c-keep")));
        var purge = await store.CommitAsync(new CaseCommit { Case = closed, Entries = [Entry("c-p", ActKind.Purged, 9)], Purge = true });
        Assert.Equal(2, purge.Case.Version);
        Assert.Equal(ActKind.Purged, purge.Records.Single().Entry.Act);

        Assert.Null(await store.GetAsync("c-p"));
        Assert.NotNull(await store.GetAsync("c-keep"));
        var page = await store.QueryAsync(new CaseQuery());
        Assert.Equal(["c-keep"], page.Cases.Select(c => c.Id));
        var trail = await TrailAsync(store.Audit);
        Assert.Equal(3, trail.Count);
        Assert.Equal(("c-p", ActKind.Purged), (trail[^1].Entry.CaseId, trail[^1].Entry.Act));

        // Purged means gone: a commit from the old version conflicts, and the id may be created anew.
        await Assert.ThrowsAsync<CaseConflictException>(async () => await store.CommitAsync(Update(purge.Case)));
        Assert.Equal(1, (await store.CommitAsync(Create(Case("c-p")))).Case.Version);
    }

    [Fact]
    public async Task An_entry_that_is_not_valid_is_refused_and_nothing_is_written()
    {
        var store = Open();
        var v1 = (await store.CommitAsync(Create(Case("c-i")))).Case;
        var bad = Entry("c-i") with { CaseId = "" };
        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.CommitAsync(Update(v1, entries: [bad])));
        Assert.Contains("CaseId", ex.Message, StringComparison.Ordinal);
        Assert.Equal(JsonOf(v1), JsonOf(await store.GetAsync("c-i")));
        Assert.Single(await TrailAsync(store.Audit));
        Assert.True((await store.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Records_that_belong_to_no_case_interleave_with_commits_in_one_chain()
    {
        var store = Open();
        var v1 = (await store.CommitAsync(Create(Case("c-a")))).Case;
        var toggled = await store.Audit.AppendAsync(Entry("kill-switch", ActKind.KillSwitchEngaged));
        var v2 = await store.CommitAsync(Update(v1));
        Assert.Equal(2, toggled.Sequence);
        Assert.Equal(3, v2.Records.Single().Sequence);
        Assert.Equal(toggled.Hash, v2.Records.Single().PreviousHash);
        var check = await store.Audit.VerifyAsync();
        Assert.True(check.IsIntact, check.Problem);
        Assert.Equal(3, check.RecordCount);
        var fromTwo = new List<long>();
        await foreach (var record in store.Audit.ReadAsync(2))
        {
            fromTwo.Add(record.Sequence);
        }

        Assert.Equal([2, 3], fromTwo);
    }

    [Theory]
    [InlineData("o'neil")]
    [InlineData("<ana>&")]
    [InlineData("zoë")]
    [InlineData("\"q\"")]
    [InlineData("a\\b")]
    [InlineData("한")]
    public async Task Not_involving_leaves_out_an_approver_or_prior_decider_whatever_characters_their_id_holds(string person)
    {
        var store = Open();
        var t = Start;
        await store.CommitAsync(Create(Case("approved-by", t, CaseState.Pending, "junior", "refund.issue", "rita", "sam") with { Approvers = [person] }));
        await store.CommitAsync(Create(Case("decided-by", t.AddMinutes(1), CaseState.Pending, "junior", "refund.issue", "rita", "sam") with { PriorDeciders = [person] }));
        await store.CommitAsync(Create(Case("longer-name", t.AddMinutes(2), CaseState.Pending, "junior", "refund.issue", "rita", "sam") with { Approvers = [person + "x"] }));
        await store.CommitAsync(Create(Case("summary-only", t.AddMinutes(3), CaseState.Pending, "junior", "refund.issue", "rita", "sam") with { Summary = person }));

        var ids = (await store.QueryAsync(new CaseQuery { NotInvolving = person })).Cases.Select(c => c.Id);

        Assert.Equal(["longer-name", "summary-only"], ids);
        Assert.Equal(2, (await ((ICaseCounts)store).CountAsync(new CaseQuery { NotInvolving = person }))[CaseState.Pending]);
    }

    [Fact]
    public async Task Every_filter_selects_what_it_says()
    {
        var store = Open();
        var t = Start;
        CaseRecord[] cases =
        [
            Case("a", t.AddMinutes(1), CaseState.Pending, "junior", "refund.issue", "rita", "sam", deadline: t.AddHours(1)),
            Case("b", t.AddMinutes(2), CaseState.Pending, "senior", "refund.issue", "ana", "sue", deadline: t.AddHours(3)),
            Case("c", t.AddMinutes(3), CaseState.Held, "senior", "loan.approve", "rita", "ana"),
            Case("d", t.AddMinutes(4), CaseState.Approved, null, "loan.approve", "bob", "sam", retainUntil: t.AddDays(1)),
            Case("e", t.AddMinutes(5), CaseState.Rejected, null, "refund.issue", "bob", "sue", retainUntil: t.AddDays(3)),
            Case("f", t.AddMinutes(6), CaseState.Approved, null, "refund.issue", "bob", "sam", retainUntil: t.AddDays(1), legalHold: true),
            Case("g", t.AddMinutes(7), CaseState.Pending, "junior", null, null, null, deadline: t.AddHours(2)),
        ];
        foreach (var record in cases)
        {
            await store.CommitAsync(Create(record));
        }

        async Task<string> Ids(CaseQuery query) => string.Concat((await store.QueryAsync(query)).Cases.Select(c => c.Id));

        Assert.Equal("abcdefg", await Ids(new CaseQuery()));
        Assert.Equal("abg", await Ids(new CaseQuery { States = [CaseState.Pending] }));
        Assert.Equal("abcg", await Ids(new CaseQuery { States = [CaseState.Pending, CaseState.Held] }));
        Assert.Equal("", await Ids(new CaseQuery { States = [] }));
        Assert.Equal("cd", await Ids(new CaseQuery { ActionType = "loan.approve" }));
        Assert.Equal("", await Ids(new CaseQuery { ActionType = "LOAN.APPROVE" }));
        Assert.Equal("ag", await Ids(new CaseQuery { RequiredTiers = ["junior"] }));
        Assert.Equal("abcg", await Ids(new CaseQuery { RequiredTiers = ["junior", "senior"] }));
        Assert.Equal("", await Ids(new CaseQuery { RequiredTiers = [] }));
        Assert.Equal("bdefg", await Ids(new CaseQuery { NotInvolving = "rita" }));
        Assert.Equal("adefg", await Ids(new CaseQuery { NotInvolving = "ana" }));
        Assert.Equal("adf", await Ids(new CaseQuery { Subject = "sam" }));
        Assert.Equal("cdefg", await Ids(new CaseQuery { OpenedFrom = t.AddMinutes(3) }));
        Assert.Equal("ab", await Ids(new CaseQuery { OpenedBefore = t.AddMinutes(3) }));
        Assert.Equal("bc", await Ids(new CaseQuery { OpenedFrom = t.AddMinutes(2), OpenedBefore = t.AddMinutes(4) }));
        Assert.Equal("ag", await Ids(new CaseQuery { DeadlineBy = t.AddHours(2) }));
        Assert.Equal("d", await Ids(new CaseQuery { RetentionEndedBy = t.AddDays(2) }));
        Assert.Equal("de", await Ids(new CaseQuery { RetentionEndedBy = t.AddDays(3) }));
        Assert.Equal("b", await Ids(new CaseQuery { States = [CaseState.Pending], RequiredTiers = ["senior"], NotInvolving = "rita", ActionType = "refund.issue" }));

        // A time in another offset is the same instant.
        Assert.Equal("cdefg", await Ids(new CaseQuery { OpenedFrom = t.AddMinutes(3).ToOffset(TimeSpan.FromHours(-5)) }));
    }

    [Fact]
    public async Task Filters_agree_with_the_cursor_semantics_on_many_cases()
    {
        var store = Open();
        var all = await CommitManyAsync(store, seed: 1234, count: 120);

        CaseQuery[] queries =
        [
            new() { States = [CaseState.Pending, CaseState.Held] },
            new() { RequiredTiers = ["senior", "lead"], NotInvolving = "ana", OrderBy = CaseOrder.Deadline },
            new() { Subject = "sam", OpenedFrom = Start.AddMinutes(10), OpenedBefore = Start.AddMinutes(30) },
            new() { DeadlineBy = Start.AddMinutes(15), OrderBy = CaseOrder.Deadline },
            new() { RetentionEndedBy = Start.AddDays(2) },
            new() { ActionType = "loan.approve", NotInvolving = "rita", OrderBy = CaseOrder.Deadline },
        ];
        foreach (var query in queries)
        {
            var expected = all.Where(c => CaseCursor.Matches(query, c))
                .OrderBy(c => CaseCursor.SortKey(query.OrderBy, c)).ThenBy(c => c.Id, StringComparer.Ordinal)
                .Select(c => c.Id).ToList();
            var listed = new List<string>();
            var paged = query with { Limit = 7 };
            while (true)
            {
                var page = await store.QueryAsync(paged);
                listed.AddRange(page.Cases.Select(c => c.Id));
                if (page.Next is null)
                {
                    break;
                }

                paged = paged with { After = page.Next };
            }

            Assert.Equal(expected, listed);
        }
    }

    [Fact]
    public async Task Counts_by_state_agree_with_what_paging_through_the_query_finds()
    {
        var store = Open();
        var counts = Assert.IsAssignableFrom<ICaseCounts>(store);
        var all = await CommitManyAsync(store, seed: 4321, count: 150);

        CaseQuery[] queries =
        [
            new(),
            new() { States = [CaseState.Pending] },
            new() { States = [CaseState.Pending, CaseState.Held, CaseState.Pending] },
            new() { States = [] },
            new() { ActionType = "loan.approve" },
            new() { ActionType = "LOAN.APPROVE" },
            new() { RequiredTiers = ["senior", "lead"] },
            new() { RequiredTiers = [] },
            new() { NotInvolving = "ana" },
            new() { Subject = "sam" },
            new() { OpenedFrom = Start.AddMinutes(10) },
            new() { OpenedBefore = Start.AddMinutes(25) },
            new() { OpenedFrom = Start.AddMinutes(10).ToOffset(TimeSpan.FromHours(-5)), OpenedBefore = Start.AddMinutes(30) },
            new() { DeadlineBy = Start.AddMinutes(15) },
            new() { RetentionEndedBy = Start.AddDays(2) },
            new() { States = [CaseState.Pending, CaseState.Held], RequiredTiers = ["senior"], NotInvolving = "rita", ActionType = "refund.issue", DeadlineBy = Start.AddMinutes(20) },
        ];
        foreach (var query in queries)
        {
            var counted = await counts.CountAsync(query);
            Assert.Equal(Tally(all.Where(c => CaseCursor.Matches(query, c))), Tally(counted));
            Assert.Equal(Tally(await ListAsync(store, query, CaseQuery.MaxLimit)), Tally(counted));
            Assert.Equal(Tally(await ListAsync(store, query, 9)), Tally(counted));
        }

        Assert.Equal(150, (await counts.CountAsync(new CaseQuery())).Values.Sum());
    }

    [Fact]
    public async Task Counts_have_every_state_with_zero_where_no_case_is()
    {
        var store = Open();
        var counts = Assert.IsAssignableFrom<ICaseCounts>(store);
        var none = await counts.CountAsync(new CaseQuery());
        Assert.Equal(Enum.GetValues<CaseState>(), none.Keys.Order());
        Assert.All(none.Values, n => Assert.Equal(0, n));

        await store.CommitAsync(Create(Case("a", state: CaseState.Pending)));
        await store.CommitAsync(Create(Case("b", state: CaseState.Pending)));
        await store.CommitAsync(Create(Case("c", state: CaseState.Held)));
        var some = await counts.CountAsync(new CaseQuery());
        Assert.Equal(Enum.GetValues<CaseState>(), some.Keys.Order());
        Assert.Equal(2, some[CaseState.Pending]);
        Assert.Equal(1, some[CaseState.Held]);
        Assert.All(some.Where(kv => kv.Key is not (CaseState.Pending or CaseState.Held)), kv => Assert.Equal(0, kv.Value));

        var nothing = await counts.CountAsync(new CaseQuery { States = [] });
        Assert.Equal(Enum.GetValues<CaseState>(), nothing.Keys.Order());
        Assert.All(nothing.Values, n => Assert.Equal(0, n));
        var other = await counts.CountAsync(new CaseQuery { Subject = "nobody" });
        Assert.Equal(Enum.GetValues<CaseState>().Length, other.Count);
        Assert.All(other.Values, n => Assert.Equal(0, n));
    }

    [Fact]
    public async Task Order_limit_and_cursor_do_not_change_the_counts()
    {
        var store = Open();
        var counts = Assert.IsAssignableFrom<ICaseCounts>(store);
        for (var i = 0; i < 12; i++)
        {
            await store.CommitAsync(Create(Case($"c-{i:D2}", Start.AddMinutes(i), (CaseState)(i % 4), deadline: i % 3 == 0 ? null : Start.AddHours(i))));
        }

        var query = new CaseQuery { ActionType = "refund.issue" };
        var expected = Tally(await counts.CountAsync(query));
        Assert.Contains("Pending=3", expected, StringComparison.Ordinal);
        foreach (var order in new[] { CaseOrder.Opened, CaseOrder.Deadline })
        {
            var first = await store.QueryAsync(query with { OrderBy = order, Limit = 5 });
            Assert.NotNull(first.Next);
            Assert.Equal(expected, Tally(await counts.CountAsync(query with { OrderBy = order })));
            Assert.Equal(expected, Tally(await counts.CountAsync(query with { OrderBy = order, Limit = 1 })));
            Assert.Equal(expected, Tally(await counts.CountAsync(query with { OrderBy = order, Limit = CaseQuery.MaxLimit })));
            Assert.Equal(expected, Tally(await counts.CountAsync(query with { OrderBy = order, Limit = 5, After = first.Next })));
        }
    }

    [Fact]
    public async Task A_count_refuses_the_queries_a_listing_refuses()
    {
        var store = Open();
        var counts = Assert.IsAssignableFrom<ICaseCounts>(store);
        await store.CommitAsync(Create(Case("c-q")));
        CaseQuery[] invalid =
        [
            new() { After = "garbage" },
            new() { After = "' OR 1=1 --" },
            new() { After = "o1:x", OrderBy = CaseOrder.Deadline },
            new() { OrderBy = (CaseOrder)7 },
            new() { Limit = 0 },
            new() { Limit = CaseQuery.MaxLimit + 1 },
        ];
        foreach (var query in invalid)
        {
            var listing = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.QueryAsync(query));
            var counting = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await counts.CountAsync(query));
            Assert.Equal(listing.Message, counting.Message);
        }

        var zero = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await counts.CountAsync(new CaseQuery { Limit = 0 }));
        Assert.Contains("CaseQuery.Limit", zero.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await counts.CountAsync(null!));
        Assert.Equal(1, (await counts.CountAsync(new CaseQuery()))[CaseState.Pending]);
    }

    [Fact]
    public async Task A_case_keeps_its_history_through_the_store()
    {
        var store = Open();
        CaseEvent[] history =
        [
            new(ActKind.Decided, Start, "system")
            {
                ActorRole = "system",
                ActorTier = "none",
                ReasonCode = "refund.large",
                Reason = "over 1000",
                Route = RouteLevel.Review,
                RequiredTier = "junior",
            },
            new(ActKind.Escalated, Start.AddMinutes(3).ToOffset(TimeSpan.FromHours(2)), "ann")
            {
                ActorRole = "reviewer",
                ActorTier = "junior",
                ReasonCode = "unsure",
                Reason = "needs a second look 😀 'quoted'",
                Route = RouteLevel.Block,
                RequiredTier = "senior",
            },
        ];
        var stored = (await store.CommitAsync(Create(Case("c-h") with { History = history, EarlierEventsOmitted = 3 }))).Case;

        var read = await store.GetAsync("c-h");
        var listed = Assert.Single((await store.QueryAsync(new CaseQuery())).Cases);
        Assert.Equal(JsonOf(stored), JsonOf(read));
        foreach (var record in new[] { read!, listed })
        {
            Assert.Equal(3, record.EarlierEventsOmitted);
            Assert.Equal(history.Length, record.History.Count);
            for (var i = 0; i < history.Length; i++)
            {
                var (expected, actual) = (history[i], record.History[i]);
                Assert.Equal(expected.Act, actual.Act);
                Assert.Equal(expected.At, actual.At);
                Assert.Equal(expected.Actor, actual.Actor);
                Assert.Equal(expected.ActorRole, actual.ActorRole);
                Assert.Equal(expected.ActorTier, actual.ActorTier);
                Assert.Equal(expected.ReasonCode, actual.ReasonCode);
                Assert.Equal(expected.Reason, actual.Reason);
                Assert.Equal(expected.Route, actual.Route);
                Assert.Equal(expected.RequiredTier, actual.RequiredTier);
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public async Task Both_orders_sort_by_their_key_then_by_id_with_missing_deadlines_last()
    {
        var store = Open();
        var t = Start;
        await store.CommitAsync(Create(Case("z", t.AddMinutes(1), deadline: t.AddHours(5))));
        await store.CommitAsync(Create(Case("y", t.AddMinutes(1), deadline: null)));
        await store.CommitAsync(Create(Case("x", t.AddMinutes(2), deadline: t.AddHours(1))));
        await store.CommitAsync(Create(Case("w", t.AddMinutes(3), deadline: t.AddHours(1))));
        await store.CommitAsync(Create(Case("v", t, deadline: null)));
        await store.CommitAsync(Create(Case("B", t.AddMinutes(1), deadline: t.AddHours(5))));

        Assert.Equal(["v", "B", "y", "z", "x", "w"], (await store.QueryAsync(new CaseQuery())).Cases.Select(c => c.Id));
        Assert.Equal(["w", "x", "B", "z", "v", "y"], (await store.QueryAsync(new CaseQuery { OrderBy = CaseOrder.Deadline })).Cases.Select(c => c.Id));
    }

    [Fact]
    public async Task Paging_walks_every_case_once_across_many_pages_in_both_orders()
    {
        var store = Open();
        for (var i = 0; i < 25; i++)
        {
            // Many ties on the sort key, so the id decides.
            await store.CommitAsync(Create(Case($"p-{i:D2}", Start.AddMinutes(i % 4), deadline: i % 3 == 0 ? null : Start.AddHours(i % 5))));
        }

        foreach (var order in new[] { CaseOrder.Opened, CaseOrder.Deadline })
        {
            var all = (await store.QueryAsync(new CaseQuery { OrderBy = order, Limit = 1000 })).Cases.Select(c => c.Id).ToList();
            Assert.Equal(25, all.Count);
            var walked = new List<string>();
            var pages = 0;
            string? after = null;
            do
            {
                var page = await store.QueryAsync(new CaseQuery { OrderBy = order, Limit = 7, After = after });
                pages++;
                Assert.True(page.Cases.Count is > 0 and <= 7);
                walked.AddRange(page.Cases.Select(c => c.Id));
                after = page.Next;
            }
            while (after is not null);

            Assert.Equal(4, pages);
            Assert.Equal(all, walked);
            Assert.Equal(25, walked.Distinct().Count());
        }

        // A page that ends exactly at the last case says there is no next one.
        var exact = await store.QueryAsync(new CaseQuery { Limit = 25 });
        Assert.Null(exact.Next);
        var one = await store.QueryAsync(new CaseQuery { Limit = 1 });
        Assert.Single(one.Cases);
        Assert.NotNull(one.Next);
    }

    [Fact]
    public async Task A_bad_cursor_or_limit_is_refused()
    {
        var store = Open();
        await store.CommitAsync(Create(Case("c-q")));
        var page = await store.QueryAsync(new CaseQuery { Limit = 1 });
        _ = page;
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.QueryAsync(new CaseQuery { After = "garbage" }));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.QueryAsync(new CaseQuery { After = "' OR 1=1 --" }));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.QueryAsync(new CaseQuery { After = "o1:x", OrderBy = CaseOrder.Deadline }));
        var zero = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.QueryAsync(new CaseQuery { Limit = 0 }));
        Assert.Contains("CaseQuery.Limit", zero.Message, StringComparison.Ordinal);
        var big = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.QueryAsync(new CaseQuery { Limit = 1001 }));
        Assert.Contains("1001", big.Message, StringComparison.Ordinal);
        Assert.Single((await store.QueryAsync(new CaseQuery { Limit = 1000 })).Cases);
    }

    [Fact]
    public async Task Hostile_text_is_data_never_sql()
    {
        var store = Open();
        const string Evil = "x'); DROP TABLE cases; --";
        var record = Case(Evil, subject: "' OR '1'='1", requester: "\"; DELETE FROM audit; --") with { Summary = "😀 \u0000 null byte", Payload = "{\"sql\":\"' OR 1=1\"}" };
        await store.CommitAsync(Create(record, Entry(Evil) with { Reason = "'; DROP TABLE audit; --" }));
        await store.CommitAsync(Create(Case("plain")));
        Assert.Equal(Evil, (await store.GetAsync(Evil))!.Id);
        Assert.Equal("😀 \u0000 null byte", (await store.GetAsync(Evil))!.Summary);
        Assert.Equal([Evil], (await store.QueryAsync(new CaseQuery { Subject = "' OR '1'='1" })).Cases.Select(c => c.Id));
        Assert.Equal(["plain"], (await store.QueryAsync(new CaseQuery { NotInvolving = "\"; DELETE FROM audit; --" })).Cases.Select(c => c.Id));
        Assert.Equal(2, (await store.QueryAsync(new CaseQuery())).Cases.Count);
        Assert.True((await store.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task The_trail_verifies_after_many_commits()
    {
        var store = Open();
        var current = new Dictionary<string, CaseRecord>();
        for (var i = 0; i < 150; i++)
        {
            var id = "c-" + (i % 10);
            var result = current.TryGetValue(id, out var known)
                ? await store.CommitAsync(Update(known, entries: [Entry(id, index: i), Entry(id, ActKind.Executed, i)]))
                : await store.CommitAsync(Create(Case(id)));
            current[id] = result.Case;
        }

        var check = await store.Audit.VerifyAsync();
        Assert.True(check.IsIntact, check.Problem);
        Assert.Equal(290, check.RecordCount);
        var records = await TrailAsync(store.Audit);
        Assert.Equal(Enumerable.Range(1, 290).Select(i => (long)i), records.Select(r => r.Sequence));
        var again = await AuditChain.VerifyAsync(store.Audit.ReadAsync());
        Assert.True(again.IsIntact, again.Problem);
        Assert.Equal(15, current["c-3"].Version);
    }

    [Fact]
    public async Task A_keyed_trail_verifies_with_its_key_and_not_with_another()
    {
        var ring = new AuditKeyRing(K1);
        var store = Open(ring);
        var v1 = (await store.CommitAsync(Create(Case("c-k")))).Case;
        await store.CommitAsync(Update(v1));
        await store.Audit.AppendAsync(Entry("policy", ActKind.PolicyActivated));

        var records = await TrailAsync(store.Audit);
        Assert.All(records, r => Assert.Equal("k1", r.KeyId));
        var own = await store.Audit.VerifyAsync();
        Assert.True(own.IsIntact, own.Problem);
        Assert.Equal(3, own.KeyedRecords);
        Assert.True((await AuditChain.VerifyAsync(store.Audit.ReadAsync(), ring)).IsIntact);

        var forged = await AuditChain.VerifyAsync(store.Audit.ReadAsync(), new AuditKeyRing(Forged));
        Assert.False(forged.IsIntact);
        Assert.Equal(1, forged.FirstBrokenSequence);

        var unchecked_ = await AuditChain.VerifyAsync(store.Audit.ReadAsync(), keys: null);
        Assert.Equal(3, unchecked_.UncheckedMacs);
    }

    /// <summary>Commits many cases of every kind (states, tiers, people, times drawn from the seed); returns them as stored.</summary>
    private static async Task<List<CaseRecord>> CommitManyAsync(ICaseStore store, int seed, int count)
    {
        var random = new Random(seed);
        string[] people = ["rita", "ana", "sam", "bob"];
        string[] tiers = ["junior", "senior", "lead"];
        var all = new List<CaseRecord>();
        for (var i = 0; i < count; i++)
        {
            var state = (CaseState)random.Next(0, 7);
            var record = Case(
                "case-" + random.Next(0, 1_000_000).ToString("D7", System.Globalization.CultureInfo.InvariantCulture) + "-" + i,
                Start.AddMinutes(random.Next(0, 40)),
                state,
                random.Next(4) == 0 ? null : tiers[random.Next(tiers.Length)],
                random.Next(3) == 0 ? "loan.approve" : "refund.issue",
                random.Next(5) == 0 ? null : people[random.Next(people.Length)],
                random.Next(5) == 0 ? null : people[random.Next(people.Length)],
                random.Next(3) == 0 ? null : Start.AddMinutes(random.Next(0, 30)),
                random.Next(3) == 0 ? null : Start.AddDays(random.Next(0, 5)),
                random.Next(4) == 0) with
            {
                // Who approved in this round, and who decided before a contest: NotInvolving leaves them out too.
                Approvers = random.Next(3) == 0 ? [people[random.Next(people.Length)]] : [],
                PriorDeciders = random.Next(6) == 0 ? [people[random.Next(people.Length)]] : [],
            };
            all.Add((await store.CommitAsync(Create(record))).Case);
        }

        return all;
    }

    /// <summary>Every case the query lists, walking its pages of <paramref name="limit"/> cases by <see cref="CasePage.Next"/>.</summary>
    private static async Task<List<CaseRecord>> ListAsync(ICaseStore store, CaseQuery query, int limit)
    {
        var listed = new List<CaseRecord>();
        var paged = query with { Limit = limit, After = null };
        while (true)
        {
            var page = await store.QueryAsync(paged);
            listed.AddRange(page.Cases);
            if (page.Next is null)
            {
                return listed;
            }

            paged = paged with { After = page.Next };
        }
    }

    /// <summary>The cases by state, every state named (so that a missing key and a wrong count both show).</summary>
    private static string Tally(IEnumerable<CaseRecord> cases)
    {
        var byState = cases.GroupBy(c => c.State).ToDictionary(g => g.Key, g => (long)g.Count());
        return string.Join(" ", Enum.GetValues<CaseState>().Select(s => $"{s}={byState.GetValueOrDefault(s)}"));
    }

    /// <summary>A count as <see cref="Tally(IEnumerable{CaseRecord})"/> writes it, and a key that is no state shown too.</summary>
    private static string Tally(IReadOnlyDictionary<CaseState, long> counts) =>
        string.Join(" ", Enum.GetValues<CaseState>().Select(s => counts.TryGetValue(s, out var n) ? $"{s}={n}" : $"{s}=(missing)")
            .Concat(counts.Keys.Where(k => !Enum.IsDefined(k)).Select(k => $"{k}=(not a state)")));
}

/// <summary>The contract, against the in-memory reference store.</summary>
