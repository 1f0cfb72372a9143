using Hitl.Policy.Definition;

namespace Hitl.Policy.Tests.Support;

/// <summary>The sample operations policy (samples/policies/operations.json), compiled against <see cref="Signals"/>.</summary>
internal static class OperationsPolicy
{
    public static readonly string[] ActionTypes = ["loan.approve", "refund.issue", "email.send", "agent.tool-call"];

    public static PolicyDefinition Definition() => PolicyJson.Load(Repo.OperationsPolicyPath);

    public static CompiledPolicy<Signals> Compile(KillSwitch? killSwitch = null)
    {
        var definition = Definition();
        return PolicyCompiler.Compile(definition, Signals.SchemaFor(definition), killSwitch);
    }
}
