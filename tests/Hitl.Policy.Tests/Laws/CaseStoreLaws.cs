using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Tests.Review;
using Hitl.Policy.Tests.Store;

namespace Hitl.Policy.Tests.Laws;

/// <summary>DESIGN semantics 8 (nothing lost) and 10 (humans accountable) at the case store: no change without its record, no record without its change.</summary>
public class CaseStoreLaws
{
    private static readonly string[] Kinds = ["approve", "edit", "reject", "escalate", "contest", "audit"];

    private static readonly string[] People = ["ann", "aaron", "sam", "sue", "dora", "carl"];

    public static class Inputs
    {
        public static Arbitrary<(double Amount, (string Kind, string Who, bool Fails, bool OnSecondGate)[] Acts)> Acts() =>
            (from amount in Gen.Elements(10d, 2000, 6000, 60000)
             from acts in (from kind in Gen.Elements(Kinds)
                           from who in Gen.Elements(People)
                           from fails in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
                           from second in Gen.Elements(true, false)
                           select (kind, who, fails, second)).ArrayOf().Resize(8)
             select (amount, acts)).ToArbitrary();
    }

    [Property(Arbitrary = [typeof(Inputs)], MaxTest = 200)]
    public async Task Every_act_either_commits_the_case_with_its_records_or_leaves_both_unchanged(
        (double Amount, (string Kind, string Who, bool Fails, bool OnSecondGate)[] Acts) t)
    {
        using var f = new GateFixture();
        var store = new InMemoryCaseStore(f.Audit);
        using var first = f.Builder().UseCaseStore(store).Build();
        using var second = f.Builder().UseCaseStore(store).Build();
        var id = (await first.SubmitAsync(GateOnCaseStoreTests.Request(t.Amount, $"refund {t.Amount}"))).CaseId;

        foreach (var (kind, who, fails, onSecond) in t.Acts)
        {
            var gate = onSecond ? second : first;
            var before = (await store.GetAsync(id))!;
            var recordsBefore = f.Audit.EntriesFor(id).Count;
            f.Audit.FailWhen = fails ? e => e.CaseId == id : null;
            var act = new HumanAct(id, who, "law", "a reason in words");
            var done = true;
            try
            {
                _ = kind switch
                {
                    "approve" => await gate.ApproveAsync(act),
                    "edit" => await gate.EditAndApproveAsync(act, $"refund {t.Amount / 2}"),
                    "reject" => await gate.RejectAsync(act),
                    "escalate" => await gate.EscalateAsync(act),
                    "contest" => await gate.ContestAsync(act),
                    _ => await gate.RecordAuditAsync(act, passed: true),
                };
            }
            catch (ReviewException)
            {
                done = false;
            }

            f.Audit.FailWhen = null;
            var after = (await store.GetAsync(id))!;
            var recordsAfter = f.Audit.EntriesFor(id).Count;
            if (after.Version == before.Version)
            {
                // Refused, failed, or a repeat that changes nothing: then nothing went on record either.
                Assert.Equal(before, after);
                Assert.Equal(recordsBefore, recordsAfter);
            }
            else
            {
                Assert.True(done, $"{kind} by {who} changed the case but reported a failure");
                Assert.False(fails, $"{kind} by {who} changed the case while its record could not be written");
                Assert.Equal(before.Version + 1, after.Version);
                Assert.InRange(recordsAfter - recordsBefore, 1, 2); // an approval that the kill switch holds adds its Held record
            }

            Assert.True(after.State != CaseState.Approved || after.Approvers.Distinct().Count() >= after.RequiredApprovals);
        }

        Assert.True((await f.Audit.VerifyAsync()).IsIntact);
    }
}
