using Hitl.Policy.Review;

namespace Hitl.Policy.Samples.ReviewerInbox;

/// <summary>The sample's people: two reviewers of two tiers, and a customer who may contest a decision about them.</summary>
public static class DemoPeople
{
    /// <summary>A junior reviewer.</summary>
    public const string Junior = "jules";

    /// <summary>A senior reviewer, who also operates the kill switch.</summary>
    public const string Senior = "sam";

    /// <summary>A customer: the subject of some cases, not a reviewer.</summary>
    public const string Customer = "carl";

    /// <summary>Who may sign in on the development sign-in page, with what they are.</summary>
    public static IReadOnlyList<(string Id, string Describe)> SignIns { get; } =
    [
        (Junior, "junior reviewer"),
        (Senior, "senior reviewer and operator"),
        (Customer, "customer (contest page only)"),
    ];

    /// <summary>The reviewer directory: the tiers and roles come from here, never from the sign-in.</summary>
    /// <returns>The directory.</returns>
    public static InMemoryReviewerDirectory Directory() => new(
        Reviewer.Create(Junior, "junior", "reviewer"),
        Reviewer.Create(Senior, "senior", "reviewer", "operator"));
}
