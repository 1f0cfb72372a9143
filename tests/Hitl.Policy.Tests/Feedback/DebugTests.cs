using Hitl.Policy.Feedback;
using Xunit.Abstractions;
namespace Hitl.Policy.Tests.Feedback;
public sealed class DebugTests(ITestOutputHelper output)
{
    [Fact]
    public void Print()
    {
        var policy = PolicyJson.Parse(SyntheticWorld.LendingPolicy);
        var world = new SyntheticWorld(policy, 0.05);
        var trail = world.Generate(11, "loan.approve", 20000);
        world.Generate(12, "email.send", 5000, trail);
        var report = Calibrator.Calibrate(AuditOutcomes.Collect(trail.Records).Outcomes, policy, new CalibrationOptions { MinimumSample = 200 });
        output.WriteLine(report.ToText());
        output.WriteLine(PolicyProposer.Propose(policy, report).Diff);
    }
}
