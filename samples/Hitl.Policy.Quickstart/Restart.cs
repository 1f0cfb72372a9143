namespace Hitl.Policy.Quickstart;

/// <summary>What the restart in the middle of the run carried over: the open cases before, those the new gate found, and how they ended.</summary>
internal sealed record Restart(int AtOutput, DateTimeOffset At, IReadOnlyList<string> Before, IReadOnlyList<string> CarriedOver)
{
    public IReadOnlyList<Review.CaseState> OutcomesAfter { get; init; } = [];
}
