using Hitl.Policy.Audit;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Tests.Feedback;

public sealed class OversightTests
{
    private static readonly string[] Reviewers = ["ana", "ben", "cy", "dee", "eve"];

    /// <summary>
    /// Eight weeks of refunds routed to review, answered by five reviewers in 2 to 10 minutes who reject or edit about 5%.
    /// Plants: <paramref name="stamp"/> makes eve answer in 5 to 20 seconds and approve everything;
    /// <paramref name="drift"/> makes the override rate on cases where refund.large fired climb from 3% to 40% in the last four weeks.
    /// </summary>
    private static IReadOnlyList<ObservedCase> Trail(int seed, bool stamp, bool drift)
    {
        var random = new Random(seed);
        var trail = new TrailWriter();
        const int perWeek = 500;
        for (var week = 0; week < 8; week++)
        {
            for (var i = 0; i < perWeek; i++)
            {
                var id = $"w{week}-{i}";
                var at = TrailWriter.Start.AddDays(7 * week).AddMinutes(i * 19);
                var large = random.NextDouble() < 0.3;
                var rules = large ? new[] { "refund.large", "confidence.medium" } : ["refund.small", "confidence.medium"];
                trail.Decided(id, "refund.issue", 0.8, RouteLevel.Review, at, DecisionFlags.None, rules);

                var reviewer = Reviewers[random.Next(Reviewers.Length)];
                var overrideRate = drift && large && week >= 4 ? 0.1 * (week - 3) : 0.04;
                var fast = stamp && reviewer == "eve";
                var wait = fast ? 5 + random.Next(16) : 120 + random.Next(481);
                var act = fast ? ActKind.Approved
                    : random.NextDouble() < overrideRate ? (random.Next(3) == 0 ? ActKind.Edited : ActKind.Rejected)
                    : random.NextDouble() < 0.02 ? ActKind.Escalated : ActKind.Approved;
                trail.Act(id, act, reviewer, at.AddSeconds(wait));
                if (act == ActKind.Escalated)
                {
                    trail.Act(id, ActKind.Approved, "sam", at.AddSeconds(wait + 900));
                }
            }
        }

        return ObservedCases.Collect(trail.Records).Cases;
    }

    private static readonly OversightOptions Options = new();

    [Fact]
    public void A_planted_rubber_stamp_reviewer_is_flagged()
    {
        var report = OversightAnalyzer.Analyze(Trail(1, stamp: true, drift: false), Options);
        var finding = Assert.Single(report.RubberStamps);
        Assert.Equal("eve", finding.Reviewer);
        Assert.True(finding.MedianReviewSeconds < 0.25 * finding.PeerMedianReviewSeconds);
        Assert.Equal(0, finding.OverrideRate);
        Assert.True(finding.PeerOverrideRate > 0.02);
        Assert.Contains("eve answered", report.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_planted_drift_is_flagged_where_it_was_planted()
    {
        var report = OversightAnalyzer.Analyze(Trail(2, stamp: false, drift: true), Options);
        Assert.Contains(report.Drifts, d => (d.Scope, d.Key) == (DriftScope.Rule, "refund.large"));
        Assert.Contains(report.Drifts, d => (d.Scope, d.Key) == (DriftScope.ActionType, "refund.issue"));
        Assert.DoesNotContain(report.Drifts, d => d.Key is "refund.small" or "sam");
        var large = report.Drifts.Single(d => d.Key == "refund.large");
        Assert.Equal(8, large.Windows.Count);
        Assert.True(large.Z >= large.CriticalZ && large.Increase >= 0.05);
        Assert.Empty(report.RubberStamps);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_clean_trail_flags_nothing(int seed)
    {
        var report = OversightAnalyzer.Analyze(Trail(seed, stamp: false, drift: false), Options);
        Assert.Empty(report.RubberStamps);
        Assert.Empty(report.Drifts);
        Assert.True(report.Trends.Count >= 8); // the action type, two rules and the reviewers were all tested
        Assert.Contains("none", report.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reviewer_and_rule_figures_count_the_acts()
    {
        var t0 = TrailWriter.Start;
        var trail = new TrailWriter();
        trail.Decided("a", "loan.approve", 0.8, RouteLevel.Review, t0, DecisionFlags.None, "r1");
        trail.Act("a", ActKind.Approved, "ana", t0.AddSeconds(60));
        trail.Decided("b", "loan.approve", 0.8, RouteLevel.Review, t0, DecisionFlags.None, "r1", "r2");
        trail.Act("b", ActKind.Rejected, "ana", t0.AddSeconds(120));
        trail.Decided("c", "loan.approve", 0.8, RouteLevel.Review, t0, DecisionFlags.None, "r2");
        trail.Act("c", ActKind.Approved, "ana", t0.AddSeconds(300));
        trail.Act("c", ActKind.Reversed, "ben", t0.AddDays(2));

        var report = OversightAnalyzer.Analyze(ObservedCases.Collect(trail.Records).Cases, Options);
        var ana = report.Reviewers.Single(r => r.Reviewer == "ana");
        Assert.Equal((3, 2, 1, 0), (ana.Reviews, ana.Approved, ana.Rejected, ana.Edited));
        Assert.Equal((2 / 3.0, 1 / 3.0, 120.0, 300.0), (ana.AgreementRate!.Value, ana.OverrideRate!.Value, ana.MedianReviewSeconds!.Value, ana.P90ReviewSeconds!.Value));
        Assert.Equal(1, ana.ApprovalsLaterOverridden);
        Assert.Equal(1, report.Reviewers.Single(r => r.Reviewer == "ben").OverridesOfAutomatic);

        var r2 = report.Rules.Single(r => r.RuleId == "r2");
        Assert.Equal((2, 2, 0.0, 1.0), (r2.Cases, r2.Judged, r2.AgreementRate!.Value, r2.OverrideRate!.Value));
        Assert.Equal(0.5, report.Rules.Single(r => r.RuleId == "r1").AgreementRate);
    }

    [Fact]
    public void The_report_states_its_criteria_and_serialises()
    {
        var report = OversightAnalyzer.Analyze(Trail(6, stamp: true, drift: true), Options);
        Assert.Contains("median review time below 0.25 x the peers' median", report.RubberStampCriterion, StringComparison.Ordinal);
        Assert.Contains("Cochran–Armitage", report.DriftTest, StringComparison.Ordinal);
        var json = report.ToJson();
        Assert.Contains("\"rubberStamps\": [", json, StringComparison.Ordinal);
        Assert.Contains("\"scope\": \"rule\"", json, StringComparison.Ordinal);
        Assert.Contains("\"drifts\": [", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_out_of_range_name_the_setting()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => OversightAnalyzer.Analyze([], new OversightOptions { DriftWindow = TimeSpan.Zero }));
        Assert.Equal("DriftWindow", e.ParamName);
    }
}
