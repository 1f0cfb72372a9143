namespace Hitl.Policy.Feedback;

/// <summary>The override rate in one time window.</summary>
/// <param name="Start">The window's start.</param>
/// <param name="Trials">Judged cases (or reviews) in the window.</param>
/// <param name="Overrides">Of those, overrides.</param>
/// <param name="Rate">Overrides over trials; <see langword="null"/> for an empty window.</param>
public sealed record DriftWindowStats(DateTimeOffset Start, int Trials, int Overrides, double? Rate);
