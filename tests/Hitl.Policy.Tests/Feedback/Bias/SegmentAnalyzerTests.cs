using System.Text.Json;
using Hitl.Policy.Audit;
using Hitl.Policy.Feedback;
using static Hitl.Policy.Tests.Feedback.Bias.SegmentCases;

namespace Hitl.Policy.Tests.Feedback.Bias;

public sealed class SegmentAnalyzerTests
{
    [Fact]
    public void A_disparity_only_reviewers_make_is_reported_as_human_only()
    {
        // Both regions are auto-executed 100 of 200; reviewers approve 90 of north's 100 reviews and 50 of south's.
        var cases = Group("refund.issue", "region", "north", auto: 100, approved: 90, rejected: 10)
            .Concat(Group("refund.issue", "region", "south", auto: 100, approved: 50, rejected: 50));
        var report = SegmentAnalyzer.Analyze(cases);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(DisparitySource.Human, finding.Source);
        Assert.Equal("approval", finding.Outcome);
        Assert.Equal(("refund.issue", "region", "south", "north"), (finding.ActionType, finding.Segment, finding.Value, finding.ReferenceValue));
        Assert.Equal((0.5, 100, 0.9, 100), (finding.Rate, finding.Trials, finding.ReferenceRate, finding.ReferenceTrials));
        Assert.Equal(0.5 / 0.9, finding.Ratio, 12);
        Assert.Equal("two-proportion-z", finding.Method);
        Assert.Equal(ProportionTests.TwoProportionZ(50, 100, 90, 100), finding.PValue, 15);
        Assert.Equal(Math.Min(1, 2 * finding.PValue), finding.AdjustedPValue, 15); // Holm over the 2 tests: the smaller p doubled
        Assert.Equal(2, report.Tests);
        Assert.Contains("reviewers approved 50.0% of 100 answered reviews with region = south against 90.0% of 100 with region = north", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disparity_only_the_policy_makes_is_reported_as_automated_only()
    {
        // north is auto-executed 150 of 200, south 80 of 200; reviewers approve 80% of both.
        var cases = Group("refund.issue", "region", "north", auto: 150, approved: 40, rejected: 10)
            .Concat(Group("refund.issue", "region", "south", auto: 80, approved: 96, rejected: 24));
        var report = SegmentAnalyzer.Analyze(cases);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(DisparitySource.Automated, finding.Source);
        Assert.Equal("auto-execute", finding.Outcome);
        Assert.Equal(("south", "north", 0.4, 0.75), (finding.Value, finding.ReferenceValue, finding.Rate, finding.ReferenceRate));
        Assert.Equal((200, 200), (finding.Trials, finding.ReferenceTrials));
        Assert.Contains("the policy auto-executed 40.0% of 200 cases with region = south", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Below_the_minimum_sample_nothing_is_tested()
    {
        // 29 cases a value: far apart, but too few to test.
        var cases = Group("refund.issue", "region", "north", auto: 29, approved: 0, rejected: 0)
            .Concat(Group("refund.issue", "region", "south", auto: 0, approved: 0, rejected: 29))
            .ToList();
        var report = SegmentAnalyzer.Analyze(cases);
        Assert.Equal(0, report.Tests);
        Assert.Empty(report.Findings);
        Assert.Equal(2, report.Segments.Count);

        // One case more each: the auto-execute rates are tested (30 cases), the approval rates not (0 and 30 answered reviews).
        cases.AddRange(Group("refund.issue", "region", "north", auto: 1, approved: 0, rejected: 0));
        cases.AddRange(Group("refund.issue", "region", "south", auto: 0, approved: 0, rejected: 1));
        report = SegmentAnalyzer.Analyze(cases);
        Assert.Equal(1, report.Tests);
        var finding = Assert.Single(report.Findings);
        Assert.Equal((DisparitySource.Automated, "south", 0.0), (finding.Source, finding.Value, finding.Rate));

        // A single value that has enough trials has nothing to be compared with.
        Assert.Equal(0, SegmentAnalyzer.Analyze(cases, new SegmentOptions { MinimumSample = 31 }).Tests);
    }

    [Fact]
    public void A_reference_rate_of_0_gives_no_finding()
    {
        // Nothing is auto-executed and nothing approved anywhere: every rate is 0.
        var cases = Group("refund.issue", "region", "north", auto: 0, approved: 0, rejected: 100)
            .Concat(Group("refund.issue", "region", "south", auto: 0, approved: 0, rejected: 100));
        var report = SegmentAnalyzer.Analyze(cases, new SegmentOptions { FourFifths = 1.0, Significance = 0.49 });
        Assert.Equal(2, report.Tests);
        Assert.Empty(report.Findings);
    }

    [Fact]
    public void The_reference_is_the_highest_rate_and_every_pair_enters_one_Holm_family()
    {
        // Two action types, three regions each for refund.issue: 3 + 3 pairs there and 1 + 1 for loan.approve.
        var cases = Group("refund.issue", "region", "north", auto: 60, approved: 30, rejected: 10)
            .Concat(Group("refund.issue", "region", "south", auto: 20, approved: 60, rejected: 20))
            .Concat(Group("refund.issue", "region", "west", auto: 90, approved: 8, rejected: 2))
            .Concat(Group("loan.approve", "region", "north", auto: 50, approved: 40, rejected: 10))
            .Concat(Group("loan.approve", "region", "south", auto: 50, approved: 40, rejected: 10))
            .ToList();
        var report = SegmentAnalyzer.Analyze(cases, new SegmentOptions { MinimumSample = 10 });
        Assert.Equal(8, report.Tests);
        Assert.Equal(
            ["loan.approve/region/north", "loan.approve/region/south", "refund.issue/region/north", "refund.issue/region/south", "refund.issue/region/west"],
            report.Segments.Select(s => $"{s.ActionType}/{s.Segment}/{s.Value}"));

        // Auto rates: west 90%, north 60%, south 20%: both below 0.8 x 90% and against west.
        var automated = report.Findings.Where(f => f.Source == DisparitySource.Automated).ToList();
        Assert.Equal(["north", "south"], automated.Select(f => f.Value));
        Assert.All(automated, f => Assert.Equal("west", f.ReferenceValue));
        var south = automated[1];
        var raw = ProportionTests.TwoProportionZ(20, 100, 90, 100);
        Assert.Equal(raw, south.PValue, 15);
        Assert.True(south.AdjustedPValue >= south.PValue && south.AdjustedPValue <= Math.Min(1, 8 * raw));
    }

    [Fact]
    public void Small_samples_are_compared_by_Fisher()
    {
        var cases = Group("refund.issue", "region", "north", auto: 10, approved: 0, rejected: 0)
            .Concat(Group("refund.issue", "region", "south", auto: 1, approved: 0, rejected: 9));
        var finding = Assert.Single(SegmentAnalyzer.Analyze(cases, new SegmentOptions { MinimumSample = 10 }).Findings);
        Assert.Equal("fisher-exact", finding.Method);
        Assert.Equal(ProportionTests.FisherExact(1, 9, 10, 0), finding.PValue, 15);
        Assert.Contains("Fisher's exact test", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Outcomes_count_the_last_answer_overrides_of_auto_executions_and_reversals_of_executions()
    {
        var region = Segments(("region", "north"), ("language", "fi"));
        ObservedCase[] cases =
        [
            Case("refund.issue", RouteLevel.AutoExecute, region),
            Case("refund.issue", RouteLevel.AutoExecuteWithNotice, region, ActKind.Overridden, ActKind.Reversed),
            Case("refund.issue", RouteLevel.Review, region, ActKind.Escalated, ActKind.Approved),
            Case("refund.issue", RouteLevel.Review, region, ActKind.Rejected, ActKind.Edited, ActKind.Reversed),
            Case("refund.issue", RouteLevel.Escalate, region, ActKind.Approved, ActKind.Rejected, ActKind.Reversed),
            Case("refund.issue", RouteLevel.Review, region, ActKind.Escalated),
            Case("refund.issue", RouteLevel.Block, region),
            Case("refund.issue", RouteLevel.AutoExecute, Segments()), // no segment: in no breakdown
        ];
        var report = SegmentAnalyzer.Analyze(cases);
        Assert.Equal(["language", "region"], report.Segments.Select(s => s.Segment));
        var north = report.Segments.Single(s => s.Segment == "region");
        Assert.Equal(7, north.Cases);
        Assert.Equal((2, 7), (north.AutoExecuted.Successes, north.AutoExecuted.Trials));
        Assert.Equal((4, 7), (north.Reviewed.Successes, north.Reviewed.Trials));
        Assert.Equal((2, 3), (north.Approved.Successes, north.Approved.Trials)); // approved after escalation; edited after a rejection
        Assert.Equal((1, 3), (north.Edited.Successes, north.Edited.Trials));
        Assert.Equal((1, 3), (north.Rejected.Successes, north.Rejected.Trials)); // approved, then rejected: the last answer counts
        Assert.Equal((1, 2), (north.Overridden.Successes, north.Overridden.Trials));
        Assert.Equal((2, 4), (north.Reversed.Successes, north.Reversed.Trials)); // the rejected case's reversal is not of an execution
        Assert.Equal(RateEstimate.Of(2, 7, 0.95, IntervalMethod.Wilson), north.AutoExecuted);
        Assert.Equal(RateEstimate.Of(2, 7, 0.9, IntervalMethod.ClopperPearson),
            SegmentAnalyzer.Analyze(cases, new SegmentOptions { Confidence = 0.9, Method = IntervalMethod.ClopperPearson }).Segments[1].AutoExecuted);
    }

    [Fact]
    public void Only_the_segment_names_asked_for_are_analysed()
    {
        var cases = new[]
        {
            Case("refund.issue", RouteLevel.AutoExecute, Segments(("region", "north"), ("language", "fi"))),
            Case("refund.issue", RouteLevel.Review, Segments(("language", "sv"))),
        };
        var report = SegmentAnalyzer.Analyze(cases, new SegmentOptions { Segments = ["region", "tier"] });
        var row = Assert.Single(report.Segments);
        Assert.Equal(("region", "north", 1), (row.Segment, row.Value, row.Cases));
        Assert.Equal(2, SegmentAnalyzer.Analyze(cases).Segments.Count(s => s.Segment == "language"));
        Assert.Empty(SegmentAnalyzer.Analyze([]).Segments);
    }

    [Fact]
    public void The_json_round_trips_the_key_fields()
    {
        var cases = Group("refund.issue", "region", "north", auto: 150, approved: 40, rejected: 10)
            .Concat(Group("refund.issue", "region", "south", auto: 80, approved: 96, rejected: 24));
        var report = SegmentAnalyzer.Analyze(cases);
        var json = report.ToJson();
        Assert.Contains("\"source\": \"automated\"", json, StringComparison.Ordinal);
        Assert.Contains("\"method\": \"two-proportion-z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"autoExecuted\": {", json, StringComparison.Ordinal);

        var again = JsonSerializer.Deserialize(json, FeedbackJsonContext.Default.SegmentReport)!;
        Assert.Equal(report.Criterion, again.Criterion);
        Assert.Equal(report.Tests, again.Tests);
        Assert.Equal(report.Segments, again.Segments);
        Assert.Equal(report.Findings, again.Findings);
    }

    [Fact]
    public void The_text_escapes_hostile_segment_data_and_cuts_very_long_values()
    {
        var hostile = "\u001b[2J\u001b]0;pwned\u0007" + new string('x', 10_000) + "\u202E\r\nFLAG fake";
        var cases = Group("refund\u001b[31m.issue", "reg\nion", hostile, auto: 100, approved: 90, rejected: 10)
            .Concat(Group("refund\u001b[31m.issue", "reg\nion", "south", auto: 100, approved: 50, rejected: 50));
        var report = SegmentAnalyzer.Analyze(cases);
        Assert.Equal(hostile, Assert.Single(report.Findings).ReferenceValue); // the data itself is kept whole

        var text = report.ToText();
        Assert.StartsWith("Bias by segment\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u0007', text);
        Assert.DoesNotContain('\u202E', text);
        Assert.DoesNotContain('\r', text);
        Assert.Contains(@"\u001B[2J\u001B]0;pwned\u0007xxx", text, StringComparison.Ordinal);
        Assert.Contains(@"refund\u001B[31m.issue by reg\u000Aion", text, StringComparison.Ordinal);
        Assert.Contains($"… ({hostile.Length} chars)", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n').Where(line => !line.StartsWith("Criterion: ", StringComparison.Ordinal)), line => Assert.True(line.Length < 400, $"a line of {line.Length} characters"));
        Assert.Single(text.Split('\n'), line => line.Contains("FLAG", StringComparison.Ordinal));
        Assert.DoesNotContain(text.Split('\n'), line => line.StartsWith("FLAG fake", StringComparison.Ordinal));
    }

    [Fact]
    public void The_text_shows_the_rates_with_intervals_the_findings_and_the_criterion()
    {
        var cases = Group("refund.issue", "region", "north", auto: 100, approved: 90, rejected: 10)
            .Concat(Group("refund.issue", "region", "south", auto: 100, approved: 50, rejected: 50));
        var report = SegmentAnalyzer.Analyze(cases);
        var text = report.ToText();
        Assert.Contains("refund.issue by region", text, StringComparison.Ordinal);
        Assert.Contains(TextTable.Interval(report.Segments[0].AutoExecuted), text, StringComparison.Ordinal);
        Assert.Contains("50.0% [", text, StringComparison.Ordinal);
        Assert.Contains("FLAG human refund.issue region = south: approval rate 50.0% (n=100) against 90.0% (n=100) for north", text, StringComparison.Ordinal);
        Assert.Contains("Criterion: " + report.Criterion, text, StringComparison.Ordinal);
        Assert.Contains("Holm's adjustment over all 2 tests", report.Criterion, StringComparison.Ordinal);
        Assert.Contains("  none\n", SegmentAnalyzer.Analyze(Group("a", "region", "x", 5, 5, 0)).ToText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MinimumSample", 0)]
    [InlineData("FourFifths", 0.0)]
    [InlineData("FourFifths", 1.5)]
    [InlineData("Significance", 0.5)]
    [InlineData("Significance", 0.0)]
    [InlineData("Confidence", 1.0)]
    [InlineData("Method", 7)]
    public void Options_out_of_range_name_the_field_and_the_value(string field, object value)
    {
        var options = new SegmentOptions();
        switch (field)
        {
            case "MinimumSample": options.MinimumSample = (int)value; break;
            case "FourFifths": options.FourFifths = (double)value; break;
            case "Significance": options.Significance = (double)value; break;
            case "Confidence": options.Confidence = (double)value; break;
            case "Method": options.Method = (IntervalMethod)(int)value; break;
        }

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SegmentAnalyzer.Analyze([], options));
        Assert.Equal(field, e.ParamName);
        Assert.Contains($"SegmentOptions.{field} must be", e.Message, StringComparison.Ordinal);
        Assert.Contains($"it is {Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_segment_name_in_the_options_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentOptions { Segments = ["region", null!] }.Validate());
        Assert.Equal("Segments", e.ParamName);
        Assert.Contains("SegmentOptions.Segments", e.Message, StringComparison.Ordinal);
        Assert.Contains("[\"region\", null]", e.Message, StringComparison.Ordinal);
        new SegmentOptions { FourFifths = 1.0, Significance = 0.001, Segments = [] }.Validate();
    }
}
