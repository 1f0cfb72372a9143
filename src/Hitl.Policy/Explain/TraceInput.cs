namespace Hitl.Policy;

/// <summary>One signal value as a rule read it.</summary>
/// <param name="Signal">The signal or field name.</param>
/// <param name="Value">The value, formatted invariantly.</param>
public readonly record struct TraceInput(string Signal, string Value);
