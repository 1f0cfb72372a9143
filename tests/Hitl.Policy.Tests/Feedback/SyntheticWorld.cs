using Hitl.Policy.Audit;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Tests.Feedback;

/// <summary>
/// A model whose outputs are right with a known probability at each confidence: errors rise as
/// <c>ErrorScale * ((1 - c) / 0.4)^2</c>, confidence is uniform on [<c>MinConfidence</c>, 1]. Cases are routed by a real
/// compiled policy; reviewed cases are approved when right and rejected (or edited) when wrong; auto-executed cases
/// drawn by the policy's audit sample get an audit verdict.
/// </summary>
internal sealed class SyntheticWorld
{
    public const string LendingPolicy = """
        {
          "id": "lending", "version": "1", "tiers": ["agent", "senior"],
          "defaults": {
            "route": "auto-execute",
            "confidenceBands": [
              { "id": "confidence.high", "min": 0.9, "max": 1.0, "route": "auto-execute" },
              { "id": "confidence.medium", "min": 0.7, "max": 0.9, "route": "review" },
              { "id": "confidence.low", "min": 0.0, "max": 0.7, "route": "escalate" }
            ],
            "sampling": { "rate": 0.1, "mode": "flag" }
          },
          "actions": {
            "loan.approve": { },
            "email.send": {
              "confidenceBands": [
                { "id": "email.all-reviewed", "min": 0.0, "max": 1.0, "route": "review" }
              ]
            }
          }
        }
        """;

    private readonly CompiledPolicy<Signals> _policy;

    public SyntheticWorld(PolicyDefinition definition, double errorScale = 0.05, double minConfidence = 0.5)
    {
        Definition = definition;
        _policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        ErrorScale = errorScale;
        MinConfidence = minConfidence;
    }

    public PolicyDefinition Definition { get; }

    public double ErrorScale { get; }

    public double MinConfidence { get; }

    public double ErrorAt(double confidence) => Math.Min(1, ErrorScale * Math.Pow((1 - confidence) / 0.4, 2));

    /// <summary>Writes <paramref name="count"/> cases of one action type.</summary>
    public TrailWriter Generate(int seed, string actionType, int count, TrailWriter? writer = null)
    {
        var random = new Random(seed);
        writer ??= new TrailWriter();
        var at = TrailWriter.Start;
        for (var i = 0; i < count; i++)
        {
            var caseId = $"{actionType}-{seed}-{i}";
            var confidence = MinConfidence + ((1 - MinConfidence) * random.NextDouble());
            var right = random.NextDouble() >= ErrorAt(confidence);
            var signals = new Signals { ActionType = actionType, RequestId = caseId, Confidence = confidence };
            var decision = _policy.Route(signals);
            at = at.AddMinutes(1);
            writer.Decided(caseId, confidence, decision, at);
            var reviewer = "reviewer-" + random.Next(5);
            var answered = at.AddSeconds(60 + random.Next(240));
            switch (decision.Route)
            {
                case RouteLevel.AutoExecute or RouteLevel.AutoExecuteWithNotice:
                    writer.Append(new AuditEntry { Act = ActKind.Executed, CaseId = caseId, At = at, Actor = "system" });
                    if (decision.IsSampledForAudit)
                    {
                        writer.Act(caseId, right ? ActKind.AuditPassed : ActKind.AuditFailed, "auditor", at.AddDays(1));
                    }

                    break;
                case RouteLevel.Review or RouteLevel.Escalate:
                    writer.Act(caseId, right ? ActKind.Approved : random.Next(2) == 0 ? ActKind.Rejected : ActKind.Edited, reviewer, answered, right ? null : "wrong-output");
                    break;
            }
        }

        return writer;
    }

    /// <summary>
    /// The agreement rate people would find at or above each threshold if every case there were judged: a large fresh
    /// sample from the same distribution, independent of the trails.
    /// </summary>
    public FreshSample Fresh(int seed, int count)
    {
        var random = new Random(seed);
        var cases = new (double Confidence, bool Right)[count];
        for (var i = 0; i < count; i++)
        {
            var confidence = MinConfidence + ((1 - MinConfidence) * random.NextDouble());
            cases[i] = (confidence, random.NextDouble() >= ErrorAt(confidence));
        }

        return new FreshSample(cases);
    }

    internal sealed class FreshSample
    {
        private readonly double[] _confidence;
        private readonly int[] _rightFromHere;

        public FreshSample((double Confidence, bool Right)[] cases)
        {
            Array.Sort(cases, (a, b) => b.Confidence.CompareTo(a.Confidence));
            _confidence = [.. cases.Select(c => c.Confidence)];
            _rightFromHere = new int[cases.Length + 1];
            for (var i = 0; i < cases.Length; i++)
            {
                _rightFromHere[i + 1] = _rightFromHere[i] + (cases[i].Right ? 1 : 0);
            }
        }

        /// <summary>The agreement rate of the fresh cases at or above a threshold.</summary>
        public double AgreementAtOrAbove(double threshold)
        {
            var n = 0;
            while (n < _confidence.Length && _confidence[n] >= threshold)
            {
                n++;
            }

            return (double)_rightFromHere[n] / n;
        }
    }
}
