namespace Hitl.Policy.Review;

/// <summary>What the gate says to do with the action right now.</summary>
public enum GateDisposition
{
    /// <summary>Run it now (auto-execute, or auto-execute with notice).</summary>
    Execute,

    /// <summary>Wait: a case is open for review; await or look up its outcome.</summary>
    Pending,

    /// <summary>Do not run it: the policy blocked it.</summary>
    Blocked,
}
