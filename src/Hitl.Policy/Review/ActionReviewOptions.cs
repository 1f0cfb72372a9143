namespace Hitl.Policy.Review;

/// <summary>
/// How review tickets for one action type counter automation bias. These settings live with the gate, not in the
/// policy document, until the policy format grows a place for them.
/// </summary>
public sealed class ActionReviewOptions
{
    /// <summary>What the model is known to be weak at for this action type, shown on every ticket.</summary>
    /// <value>The default value is <see langword="null"/> (nothing shown).</value>
    public string? Weaknesses { get; set; }

    /// <summary>
    /// Whether tickets withhold the model's suggestion, so that the reviewer decides without the AI
    /// (<see cref="ReviewTicket.Suggestion"/> is then <see langword="null"/>).
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool WithholdSuggestion { get; set; }
}
