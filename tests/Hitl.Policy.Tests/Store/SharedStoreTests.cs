using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Tests.Review;
using static Hitl.Policy.Tests.Store.GateOnCaseStoreTests;

namespace Hitl.Policy.Tests.Store;

/// <summary>What a gate does on a store shared by several instances: claims, the change feed, the shared kill switch.</summary>
public class SharedStoreTests
{
    [Fact]
    public async Task Claims_give_each_claimant_different_cases_renew_their_own_and_free_them_when_the_lease_ends()
    {
        using var f = new GateFixture();
        var store = new InMemoryCaseStore(f.Audit);
        using var gate = f.Builder().UseCaseStore(store).Build();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await gate.SubmitAsync(Request(2000 + i, $"refund {2000 + i}"))).CaseId);
            f.Time.Advance(TimeSpan.FromMinutes(1)); // deadlines a minute apart, in submit order
        }

        var start = f.Time.GetUtcNow();
        var query = new CaseQuery { States = [CaseState.Pending], OrderBy = CaseOrder.Deadline, Limit = 3 };
        var a = await store.ClaimAsync(new CaseClaim { Query = query, Claimant = "a", Now = start, Lease = TimeSpan.FromMinutes(5) });
        var b = await store.ClaimAsync(new CaseClaim { Query = query, Claimant = "b", Now = start, Lease = TimeSpan.FromMinutes(5) });
        var again = await store.ClaimAsync(new CaseClaim { Query = query, Claimant = "a", Now = start.AddMinutes(1), Lease = TimeSpan.FromMinutes(5) });
        var afterLease = await store.ClaimAsync(new CaseClaim { Query = query, Claimant = "b", Now = start.AddMinutes(7), Lease = TimeSpan.FromMinutes(5) });

        Assert.Equal(ids[..3], a.Select(c => c.Id));
        Assert.Equal(ids[3..], b.Select(c => c.Id));
        Assert.Equal(ids[..3], again.Select(c => c.Id));      // a's own cases, lease renewed to start + 6 min
        Assert.Equal(ids[..3], afterLease.Select(c => c.Id)); // a's lease ended; b's own (3 and 4) come after in deadline order
        Assert.Equal(1, (await store.GetAsync(ids[0]))!.Version); // a lease is not a change of the case
    }

    [Theory]
    [InlineData("", 60, "CaseClaim.Claimant")]
    [InlineData("a", 0, "CaseClaim.Lease")]
    [InlineData("a", 60 * 60 * 25, "CaseClaim.Lease")]
    public async Task A_claim_that_is_not_valid_is_refused_naming_the_field(string claimant, int leaseSeconds, string field)
    {
        var store = new InMemoryCaseStore();
        var claim = new CaseClaim { Query = new CaseQuery(), Claimant = claimant, Now = DateTimeOffset.UnixEpoch, Lease = TimeSpan.FromSeconds(leaseSeconds) };
        var refused = await Assert.ThrowsAsync<ArgumentException>(async () => await store.ClaimAsync(claim));
        Assert.Contains(field, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Next_case_goes_to_one_reviewer_at_a_time_within_their_tier_and_never_their_own()
    {
        using var f = new GateFixture();
        var store = new InMemoryCaseStore(f.Audit);
        using var gate = f.Builder().UseCaseStore(store).Build();
        var small = (await gate.SubmitAsync(Request(2000, "refund 2000"))).CaseId;                              // agent tier
        var senior = (await gate.SubmitAsync(Request(6000, "refund 6000"))).CaseId;                              // senior tier
        var annsOwn = (await gate.SubmitAsync(Request(3000, "refund 3000") with { Requester = "ann" })).CaseId;  // agent tier, ann asked

        var forAnn = await gate.ClaimNextAsync("ann");
        var forAaron = await gate.ClaimNextAsync("aaron");
        var forAnnAgain = await gate.ClaimNextAsync("ann");
        var forSam = await gate.ClaimNextAsync("sam");

        Assert.Equal(small, forAnn!.CaseId);
        Assert.Equal(annsOwn, forAaron!.CaseId);          // the only other agent-tier case
        Assert.Equal(small, forAnnAgain!.CaseId);          // her lease, renewed
        Assert.Equal(senior, forSam!.CaseId);              // the senior case; the agent-tier ones are leased
        var unknown = await Assert.ThrowsAsync<ReviewException>(async () => await gate.ClaimNextAsync("nobody"));
        Assert.Equal(ReviewErrorCode.UnknownReviewer, unknown.Code);
    }

    [Fact]
    public async Task A_case_that_needs_two_approvals_goes_to_a_second_reviewer_once_the_first_approved()
    {
        using var f = new GateFixture();
        var store = new InMemoryCaseStore(f.Audit);
        using var gate = f.Builder().UseCaseStore(store).Build();
        var id = (await gate.SubmitAsync(Request(6000, "refund 6000"))).CaseId;   // senior tier, two approvals

        Assert.Equal(id, (await gate.ClaimNextAsync("sam"))!.CaseId);
        Assert.Null(await gate.ClaimNextAsync("sue"));                             // leased to sam
        await gate.ApproveAsync(new HumanAct(id, "sam", "first look"));

        Assert.Null(await gate.ClaimNextAsync("sam"));                             // sam approved this round already
        Assert.Equal(id, (await gate.ClaimNextAsync("sue"))!.CaseId);              // the approval ended sam's lease
    }

    [Fact]
    public async Task A_gate_follows_the_kill_switch_another_instance_engaged_and_records_it_once()
    {
        using var f = new GateFixture();
        // One shared switch state, seen by each instance through a view of its own, so the test knows each has read it.
        var shared = new SharedSwitchAudit(f.Audit);
        var sharedB = new SharedSwitchAudit(f.Audit, sameStateAs: shared);
        var store = new InMemoryCaseStore(shared);
        var storeB = new InMemoryCaseStore(sharedB);
        var switchA = new KillSwitch(f.Time);
        var switchB = new KillSwitch(f.Time);
        using var a = OnStore(f, store).UseKillSwitch(switchA).Build();
        using var b = OnStore(f, storeB).UseKillSwitch(switchB).Build();
        await WaitUntilAsync(() => shared.Reads >= 1 && sharedB.Reads >= 1);

        await new AuditedKillSwitch(switchA, store.Audit, f.Directory).EngageAsync(null, "dora", "incident 7");
        Assert.True(switchA.IsGlobalEngaged);
        Assert.False(switchB.IsGlobalEngaged);          // B has not polled yet
        await PollUntilAsync(f, () => switchB.IsGlobalEngaged);   // B's poll (StorePollInterval)

        var held = await b.SubmitAsync(Request(10, "refund 10"));
        Assert.Equal(GateDisposition.Pending, held.Disposition);   // would auto-execute; the switch raised it to review
        Assert.Single(f.Audit.Records, r => r.Entry.Act == ActKind.KillSwitchEngaged);

        await new AuditedKillSwitch(switchB, storeB.Audit, f.Directory).ReleaseAsync(null, "dora", "incident 7 over");
        await PollUntilAsync(f, () => !switchA.IsGlobalEngaged);
        Assert.Equal([ActKind.KillSwitchEngaged, ActKind.KillSwitchReleased], f.Audit.Records.Where(r => r.Entry.CaseId!.StartsWith("kill-switch", StringComparison.Ordinal)).Select(r => r.Entry.Act));
    }

    /// <summary>
    /// Moves the fake clock one poll interval at a time until the condition holds: a follower that registers its next
    /// poll a moment after the clock moved still polls at the next step.
    /// </summary>
    private static async Task PollUntilAsync(GateFixture f, Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            f.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact]
    public void A_shared_state_read_before_the_latest_change_is_never_applied_over_it()
    {
        var killSwitch = new KillSwitch();
        var at = DateTimeOffset.UnixEpoch;
        killSwitch.Apply([new KillSwitchChange(null, true, "dora", "incident", at) { Sequence = 5 }]);
        Assert.True(killSwitch.IsGlobalEngaged);

        // A read that began before the release at sequence 9 still says "engaged at 5": it must not undo the release.
        killSwitch.Set(null, false, "dora", "over", at, sequence: 9);
        Assert.Equal(0, killSwitch.Apply([new KillSwitchChange(null, true, "dora", "incident", at) { Sequence = 5 }]));
        Assert.False(killSwitch.IsGlobalEngaged);

        // A newer change does apply, per scope.
        Assert.Equal(2, killSwitch.Apply([
            new KillSwitchChange(null, true, "otto", "again", at) { Sequence = 12 },
            new KillSwitchChange("refund.issue", true, "otto", "refunds", at) { Sequence = 13 },
        ]));
        Assert.True(killSwitch.IsGlobalEngaged);
        Assert.True(killSwitch.IsEngaged("refund.issue"));
    }

    [Fact]
    public async Task A_gate_that_cannot_read_the_shared_kill_switch_decides_nothing()
    {
        using var f = new GateFixture();
        var shared = new SharedSwitchAudit(f.Audit) { FailReads = true };
        using var gate = OnStore(f, new InMemoryCaseStore(shared)).Build();

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await gate.SubmitAsync(Request(10, "refund 10")));

        Assert.Equal(ReviewErrorCode.StoreUnavailable, refused.Code);
        Assert.Contains("kill switch", refused.Message, StringComparison.Ordinal);
        Assert.Empty(f.Audit.Records);
        shared.FailReads = false;
        Assert.Equal(GateDisposition.Execute, (await gate.SubmitAsync(Request(10, "refund 10"))).Disposition);
    }

    [Fact]
    public async Task A_change_feed_wakes_a_wait_on_a_decision_made_through_another_gate_before_the_poll()
    {
        using var f = new GateFixture();
        var store = new FeedStore(new InMemoryCaseStore(f.Audit));
        using var a = f.Builder().UseCaseStore(store).Build();
        using var b = f.Builder().UseCaseStore(store).Build();
        var id = (await a.SubmitAsync(Request(2000, "refund 2000"))).CaseId;
        var wait = a.WaitForOutcomeAsync(id).AsTask();

        await b.ApproveAsync(new HumanAct(id, "ann", "ok"));
        Assert.False(wait.IsCompleted);  // the fake clock never polls: only the feed can wake it
        store.Publish(new StoreChange(StoreChangeKind.Case, id));

        Assert.True((await wait.WaitAsync(TimeSpan.FromSeconds(30))).Execute);
    }

    [Theory]
    [InlineData(true, "may or may not be on record")]
    [InlineData(false, "so it did not take effect")]
    public async Task A_commit_whose_outcome_the_store_cannot_tell_is_refused_saying_so(bool mayHaveBeenWritten, string said)
    {
        using var f = new GateFixture();
        var store = new FeedStore(new InMemoryCaseStore(f.Audit)) { FailCommits = new CaseStoreException("the connection broke (test)") { MayHaveBeenWritten = mayHaveBeenWritten } };
        using var gate = f.Builder().UseCaseStore(store).Build();

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await gate.SubmitAsync(Request(10, "refund 10")));

        Assert.Equal(ReviewErrorCode.AuditAppendFailed, refused.Code);
        Assert.Contains(said, refused.Message, StringComparison.Ordinal);
    }

    /// <summary>The fixture's parts on a store whose trail is not the fixture's own audit store.</summary>
    private static ReviewGateBuilder<Signals> OnStore(GateFixture f, ICaseStore store) => new ReviewGateBuilder<Signals>(f.Policy)
        .UseCaseStore(store)
        .AddReviewSink(f.Sink)
        .AddReviewerDirectory(f.Directory)
        .UseTimeProvider(f.Time);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    /// <summary>A trail that keeps the kill switch's shared state beside it, as the PostgreSQL store does in one transaction.</summary>
    private sealed class SharedSwitchAudit(FakeAuditStore inner, SharedSwitchAudit? sameStateAs = null) : IAuditStore, IKillSwitchStore
    {
        private readonly Lock _gate = sameStateAs?._gate ?? new();
        private readonly Dictionary<string, KillSwitchChange> _state = sameStateAs?._state ?? new(StringComparer.Ordinal);
        private int _reads;

        public bool FailReads { get; set; }

        public int Reads => Volatile.Read(ref _reads);

        public ValueTask<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) => inner.AppendAsync(entry, cancellationToken);

        public IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence = 1, CancellationToken cancellationToken = default) => inner.ReadAsync(fromSequence, cancellationToken);

        public ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) => inner.VerifyAsync(cancellationToken);

        public async ValueTask<AuditRecord> RecordKillSwitchAsync(KillSwitchChange change, AuditEntry entry, CancellationToken cancellationToken = default)
        {
            var record = await inner.AppendAsync(entry, cancellationToken);
            lock (_gate)
            {
                _state[change.ActionType ?? ""] = change with { Sequence = record.Sequence };
            }

            return record;
        }

        public ValueTask<IReadOnlyList<KillSwitchChange>> ReadKillSwitchAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            if (FailReads)
            {
                throw new CaseStoreException("the database is down (test)");
            }

            lock (_gate)
            {
                return ValueTask.FromResult<IReadOnlyList<KillSwitchChange>>([.. _state.Values]);
            }
        }
    }

    /// <summary>A store whose change feed the test drives by hand, and whose commits can be made to fail.</summary>
    private sealed class FeedStore(InMemoryCaseStore inner) : ICaseStore, IStoreChangeFeed
    {
        private readonly List<Action<StoreChange>> _subscribers = [];

        public IAuditStore Audit => inner.Audit;

        public ValueTask<CaseRecord?> GetAsync(string caseId, CancellationToken cancellationToken = default) => inner.GetAsync(caseId, cancellationToken);

        public CaseStoreException? FailCommits { get; init; }

        public ValueTask<CaseCommitResult> CommitAsync(CaseCommit commit, CancellationToken cancellationToken = default) =>
            FailCommits is { } failure ? throw failure : inner.CommitAsync(commit, cancellationToken);

        public ValueTask<CasePage> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

        public IDisposable Subscribe(Action<StoreChange> onChange)
        {
            lock (_subscribers)
            {
                _subscribers.Add(onChange);
            }

            return new Unsubscribe(() =>
            {
                lock (_subscribers)
                {
                    _subscribers.Remove(onChange);
                }
            });
        }

        public void Publish(StoreChange change)
        {
            Action<StoreChange>[] subscribers;
            lock (_subscribers)
            {
                subscribers = [.. _subscribers];
            }

            foreach (var subscriber in subscribers)
            {
                subscriber(change);
            }
        }

        private sealed class Unsubscribe(Action action) : IDisposable
        {
            public void Dispose() => action();
        }
    }
}
