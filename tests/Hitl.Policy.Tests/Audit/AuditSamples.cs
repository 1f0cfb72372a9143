using Hitl.Policy.Audit;

namespace Hitl.Policy.Tests.Audit;

/// <summary>Entries for the audit tests, and a comparison that looks into lists and dictionaries.</summary>
internal static class AuditSamples
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);

    /// <summary>A directory with an auditor (ops-ana) and a reviewer who is not one (rick).</summary>
    public static Hitl.Policy.Review.InMemoryReviewerDirectory Auditors => new(
        Hitl.Policy.Review.Reviewer.Create("ops-ana", "senior", "auditor", "operator"),
        Hitl.Policy.Review.Reviewer.Create("rick", "senior", "reviewer", "operator"));

    public static AuditEntry Simple(string caseId, int index = 0) => new()
    {
        Act = ActKind.Approved,
        CaseId = caseId,
        At = Start.AddSeconds(index),
        Actor = "reviewer-" + index,
        ActorRole = "reviewer",
        ReasonCode = "looks-right",
    };

    /// <summary>Every field set, with text that needs escaping.</summary>
    public static AuditEntry Full() => new()
    {
        Act = ActKind.Edited,
        CaseId = "case-7f3a",
        At = new DateTimeOffset(2026, 11, 23, 17, 4, 5, TimeSpan.FromHours(-5)).AddTicks(1234567),
        ActionType = "refund.issue",
        RequestId = "req-0001",
        PolicyId = "operations",
        PolicyVersion = "2026.11.3",
        PolicyHash = new string('a', 64),
        InputDigest = new string('b', 64),
        EditedDigest = new string('c', 64),
        Route = RouteLevel.Escalate,
        RequiredTier = "senior",
        RequiredApprovals = 2,
        RulesFired = ["refund.large", "refund.new-customer", "defaults.low-confidence"],
        DecidedBy = "refund.large",
        Flags = DecisionFlags.SampledForAudit | DecisionFlags.KillSwitchActive,
        Confidence = 0.7312,
        Risk = 0.1 + 0.2,
        Actor = "José Müller",
        ActorRole = "reviewer",
        ActorTier = "senior",
        ReasonCode = "wrong-amount",
        Reason = "Amount was \"1,000\" not 10,000 <checked> & fixed\n\ttab\u0001 — 😀",
        Supersedes = 1,
        Data = new Dictionary<string, string> { ["zeta"] = "last", ["alpha"] = "first", ["ticket"] = "OPS-12" },
    };

    public static void AssertSameEntry(AuditEntry expected, AuditEntry actual)
    {
        Assert.Equal(expected.Act, actual.Act);
        Assert.Equal(expected.CaseId, actual.CaseId);
        Assert.Equal(expected.At, actual.At);
        Assert.Equal(expected.At.Offset, actual.At.Offset);
        Assert.Equal(expected.ActionType, actual.ActionType);
        Assert.Equal(expected.RequestId, actual.RequestId);
        Assert.Equal(expected.PolicyId, actual.PolicyId);
        Assert.Equal(expected.PolicyVersion, actual.PolicyVersion);
        Assert.Equal(expected.PolicyHash, actual.PolicyHash);
        Assert.Equal(expected.InputDigest, actual.InputDigest);
        Assert.Equal(expected.EditedDigest, actual.EditedDigest);
        Assert.Equal(expected.Route, actual.Route);
        Assert.Equal(expected.RequiredTier, actual.RequiredTier);
        Assert.Equal(expected.RequiredApprovals, actual.RequiredApprovals);
        if (expected.RulesFired is null)
        {
            Assert.Null(actual.RulesFired);
        }
        else
        {
            Assert.Equal(expected.RulesFired, actual.RulesFired!);
        }

        Assert.Equal(expected.DecidedBy, actual.DecidedBy);
        Assert.Equal(expected.Flags, actual.Flags);
        Assert.Equal(Bits(expected.Confidence), Bits(actual.Confidence));
        Assert.Equal(Bits(expected.Risk), Bits(actual.Risk));
        Assert.Equal(expected.Actor, actual.Actor);
        Assert.Equal(expected.ActorRole, actual.ActorRole);
        Assert.Equal(expected.ActorTier, actual.ActorTier);
        Assert.Equal(expected.ReasonCode, actual.ReasonCode);
        Assert.Equal(expected.Reason, actual.Reason);
        Assert.Equal(expected.Supersedes, actual.Supersedes);
        if (expected.Data is null)
        {
            Assert.Null(actual.Data);
        }
        else
        {
            Assert.Equal(
                expected.Data.OrderBy(p => p.Key, StringComparer.Ordinal),
                actual.Data!.OrderBy(p => p.Key, StringComparer.Ordinal));
        }
    }

    public static async Task<List<AuditRecord>> ReadAllAsync(IAuditStore store, long from = 1)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in store.ReadAsync(from))
        {
            records.Add(record);
        }

        return records;
    }

    private static long? Bits(double? value) => value is { } v ? BitConverter.DoubleToInt64Bits(v) : null;
}

/// <summary>A directory under the system temp directory, deleted with everything in it.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hitl-audit-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
