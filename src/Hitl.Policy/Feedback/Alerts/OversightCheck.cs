namespace Hitl.Policy.Feedback;

/// <summary>The result of one <see cref="OversightMonitor.CheckAsync"/>: the report, every open finding as an alert, and the ones new since the last check.</summary>
/// <param name="Report">The oversight report over the whole trail.</param>
/// <param name="Open">Every finding that crosses its threshold now.</param>
/// <param name="Raised">Of those, the ones not open at the previous check: these went to the sinks.</param>
public sealed record OversightCheck(OversightReport Report, IReadOnlyList<OversightAlert> Open, IReadOnlyList<OversightAlert> Raised);
