using Hitl.Policy.Review;

namespace Hitl.Policy.Quickstart;

/// <summary>
/// The people of the simulation: agents, seniors and directors who review, an auditor who checks sampled auto-executed
/// decisions after the fact, and an operator who may pull the kill switch.
/// </summary>
internal static class ReviewerPool
{
    public const string Operator = "olga.ops";
    public const string Auditor = "ines.audit";

    public static readonly Reviewer[] Reviewers =
    [
        Reviewer.Create("ana", "agent", "reviewer"),
        Reviewer.Create("ben", "agent", "reviewer"),
        Reviewer.Create("chloe", "agent", "reviewer"),
        Reviewer.Create("dev", "agent", "reviewer"),
        Reviewer.Create("sam", "senior", "reviewer"),
        Reviewer.Create("sofia", "senior", "reviewer"),
        Reviewer.Create("tariq", "senior", "reviewer"),
        Reviewer.Create("dana", "director", "reviewer"),
        Reviewer.Create("diego", "director", "reviewer"),
    ];

    public static InMemoryReviewerDirectory Directory() => new InMemoryReviewerDirectory(Reviewers)
        .Add(Reviewer.Create(Auditor, "senior", "reviewer"))
        .Add(Reviewer.Create(Operator, "director", "operator"));
}
