using System.Collections.Concurrent;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Many_cases_many_reviewers_parallel_acts_lose_and_duplicate_no_record()
    {
        const int Cases = 300;
        const int Reviewers = 24;
        using var f = new GateFixture();
        for (var r = 0; r < Reviewers; r++)
        {
            f.Directory.Add(Reviewer.Create($"r{r}", "senior", "reviewer"));
        }

        var ids = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Cases), async (i, ct) =>
        {
            var result = await f.SubmitAsync(GateFixture.Refund(6000 + i), $"refund {6000 + i}", caseId: $"case-{i}");
            ids.Add(result.CaseId);
        });
        Assert.Equal(Cases, ids.Count);

        // Each case gets five approvals from four reviewers (one of them twice) and, for every fifth case, a rejection; all at once.
        var random = new Random(20261123);
        var acts = new List<(string Case, string Reviewer, bool Reject)>();
        for (var i = 0; i < Cases; i++)
        {
            var chosen = Enumerable.Range(0, Reviewers).OrderBy(_ => random.Next()).Take(4).Select(r => $"r{r}").ToList();
            acts.AddRange(chosen.Select(r => ($"case-{i}", r, false)));
            acts.Add(($"case-{i}", chosen[0], false));
            if (i % 5 == 0)
            {
                acts.Add(($"case-{i}", chosen[3], true));
            }
        }

        var shuffled = acts.OrderBy(_ => random.Next()).ToList();
        var refusals = new ConcurrentBag<ReviewErrorCode>();
        await Parallel.ForEachAsync(shuffled, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (a, ct) =>
        {
            try
            {
                var act = new HumanAct(a.Case, a.Reviewer, a.Reject ? "wrong" : "ok", a.Reject ? "not covered" : null);
                _ = a.Reject ? await f.Gate.RejectAsync(act, ct) : await f.Gate.ApproveAsync(act, ct);
            }
            catch (ReviewException ex)
            {
                refusals.Add(ex.Code);
            }
        });

        Assert.All(refusals, code => Assert.Equal(ReviewErrorCode.CaseClosed, code));
        var records = f.Audit.Records;
        Assert.Equal(Enumerable.Range(1, records.Count).Select(n => (long)n), records.Select(r => r.Sequence));
        Assert.True((await f.Audit.VerifyAsync()).IsIntact);
        Assert.Equal(records.Count, records.Select(r => r.Hash).Distinct().Count());

        for (var i = 0; i < Cases; i++)
        {
            var id = $"case-{i}";
            var entries = f.Audit.EntriesFor(id);
            var approvals = entries.Where(e => e.Act == ActKind.Approved).Select(e => e.Actor!).ToList();
            var rejections = entries.Count(e => e.Act == ActKind.Rejected);
            Assert.Single(entries, e => e.Act == ActKind.Decided);
            Assert.Equal(approvals.Count, approvals.Distinct().Count());
            var view = await f.Gate.GetCaseAsync(id);
            var outcome = await f.Gate.WaitForOutcomeAsync(id);
            if (view!.State == CaseState.Approved)
            {
                Assert.Equal(2, approvals.Count);
                Assert.Equal(0, rejections);
                Assert.True(outcome.Execute);
                Assert.Equal(approvals, view.Approvers);
            }
            else
            {
                Assert.Equal(CaseState.Rejected, view.State);
                Assert.Equal(0, i % 5);
                Assert.Equal(1, rejections);
                Assert.True(approvals.Count < 2);
                Assert.False(outcome.Execute);
            }
        }

        // Every act either took effect (one record), was refused, or was a repeat approval that counts once (no record).
        var acted = records.Count(r => r.Entry.Act is ActKind.Approved or ActKind.Rejected);
        var succeeded = shuffled.Count - refusals.Count;
        Assert.InRange(succeeded - acted, 0, Cases);
    }
}
