using Hitl.Policy.Audit;
using Hitl.Policy.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Hitl.Policy.Feedback;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

/// <summary>Segments: the groups a case is put in for oversight, on its decision record and read back by the oversight reports.</summary>
public sealed class SegmentTests
{
    [Fact]
    public async Task A_request_segments_and_a_declared_reader_go_on_the_decision_record_and_only_there()
    {
        using var f = new GateFixture();
        using var gate = f.Builder().SegmentBy("category", s => s.Category).SegmentBy("region", _ => "north").Build();

        var result = await gate.SubmitAsync(new GateRequest<Signals>
        {
            Context = GateFixture.Refund(2000, category: "electronics"),
            Payload = "refund",
            Segments = new Dictionary<string, string> { ["region"] = "south", ["language"] = "de" },
        });
        await gate.RejectAsync(new HumanAct(result.CaseId, "ann", "wrong-amount", "the invoice says 200"));

        var entries = f.Audit.EntriesFor(result.CaseId);
        Assert.Equal(new Dictionary<string, string> { ["category"] = "electronics", ["region"] = "south", ["language"] = "de" }, CaseSegments.Of(entries[0]));
        Assert.Empty(CaseSegments.Of(entries[1]));
        var observed = Assert.Single(ObservedCases.Collect(f.Audit.Records).Cases);
        Assert.Equal("electronics", observed.Segments["category"]);
        Assert.Equal("south", observed.Segments["region"]);
    }

    [Fact]
    public async Task An_auto_executed_and_a_blocked_case_carry_their_segments_too()
    {
        using var f = new GateFixture();
        using var gate = f.Builder().SegmentBy("category", s => s.Category).Build();

        var auto = await gate.SubmitAsync(new GateRequest<Signals> { Context = GateFixture.Refund(10, category: "books"), Payload = "refund" });

        Assert.Equal(GateDisposition.Execute, auto.Disposition);
        Assert.Equal("books", CaseSegments.Of(Assert.Single(f.Audit.EntriesFor(auto.CaseId)))["category"]);
    }

    [Fact]
    public async Task A_reader_that_throws_or_gives_a_bad_value_leaves_the_segment_out_and_never_stops_the_case()
    {
        using var f = new GateFixture();
        using var gate = f.Builder()
            .SegmentBy("broken", _ => throw new InvalidOperationException("no region"))
            .SegmentBy("noisy", _ => "line\nbreak")
            .SegmentBy("long", _ => new string('x', 257))
            .SegmentBy("empty", _ => "")
            .SegmentBy("fine", _ => "ok")
            .Build();

        var result = await gate.SubmitAsync(new GateRequest<Signals> { Context = GateFixture.Refund(10), Payload = "refund" });

        Assert.Equal(GateDisposition.Execute, result.Disposition);
        Assert.Equal(new Dictionary<string, string> { ["fine"] = "ok" }, CaseSegments.Of(Assert.Single(f.Audit.EntriesFor(result.CaseId))));
    }

    [Fact]
    public async Task A_bad_request_segment_is_refused_by_name_before_anything_is_recorded()
    {
        using var f = new GateFixture();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await f.Gate.SubmitAsync(new GateRequest<Signals>
        {
            Context = GateFixture.Refund(10),
            Payload = "refund",
            CaseId = "c-bad",
            Segments = new Dictionary<string, string> { ["customer group"] = "gold" },
        }));

        Assert.Contains("GateRequest.Segments of case 'c-bad'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'customer group'", error.Message, StringComparison.Ordinal);
        Assert.Empty(f.Audit.Records);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("ünïcode")]
    public void A_bad_segment_name_or_a_second_reader_of_one_name_is_refused_when_declared(string name)
    {
        using var f = new GateFixture();
        var error = Assert.Throws<ArgumentException>(() => f.Builder().SegmentBy(name, _ => "x"));
        Assert.Contains("segment name", error.Message, StringComparison.Ordinal);
        var twice = Assert.Throws<ArgumentException>(() => f.Builder().SegmentBy("region", _ => "a").SegmentBy("region", _ => "b"));
        Assert.Contains("'region' is declared twice", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_dependency_injection_each_named_policy_gate_reads_its_own_segments()
    {
        var services = new ServiceCollection();
        var loansTrail = new FakeAuditStore();
        var refundsTrail = new FakeAuditStore();
        var directory = new InMemoryReviewerDirectory(Reviewer.Create("ann", "agent", "reviewer"));
        services.AddHitlPolicy("loans", o => o.PolicyJson = Tests.DependencyInjection.AddHitlPolicyTests.Policy("loans-1", "review"))
            .AddReviewGate().AddAuditStore(loansTrail).AddReviewSink(new InMemoryReviewSink()).AddReviewerDirectory(directory)
            .SegmentBy("category", s => s.Category);
        services.AddHitlPolicy("refunds", o => o.PolicyJson = Tests.DependencyInjection.AddHitlPolicyTests.Policy("refunds-1", "review"))
            .AddReviewGate().AddAuditStore(refundsTrail).AddReviewSink(new InMemoryReviewSink()).AddReviewerDirectory(directory)
            .SegmentBy("channel", _ => "web");
        await using var provider = services.BuildServiceProvider();

        var loans = provider.GetRequiredKeyedService<ReviewGate<Signals>>("loans");
        var refunds = provider.GetRequiredKeyedService<ReviewGate<Signals>>("refunds");
        var loan = await loans.SubmitAsync(new GateRequest<Signals> { Context = GateFixture.Refund(10, category: "mortgage"), Payload = "loan" });
        var refund = await refunds.SubmitAsync(new GateRequest<Signals> { Context = GateFixture.Refund(10), Payload = "refund" });

        Assert.Equal(new Dictionary<string, string> { ["category"] = "mortgage" }, CaseSegments.Of(loansTrail.EntriesFor(loan.CaseId)[0]));
        Assert.Equal(new Dictionary<string, string> { ["channel"] = "web" }, CaseSegments.Of(refundsTrail.EntriesFor(refund.CaseId)[0]));
    }

    [Fact]
    public void Segments_are_read_only_from_the_segment_prefix_of_the_data()
    {
        var entry = new AuditEntry
        {
            Act = ActKind.Decided,
            CaseId = "c",
            At = DateTimeOffset.UnixEpoch,
            Data = new Dictionary<string, string> { ["segment.region"] = "eu", ["why"] = "kill switch engaged", ["segment."] = "nameless" },
        };

        Assert.Equal(new Dictionary<string, string> { ["region"] = "eu" }, CaseSegments.Of(entry));
    }
}
