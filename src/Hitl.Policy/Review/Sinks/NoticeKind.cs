namespace Hitl.Policy.Review;

/// <summary>What a <see cref="Notice"/> is about.</summary>
public enum NoticeKind
{
    /// <summary>An action ran on its own, with notice: a person may override or reverse it.</summary>
    AutoExecutedWithNotice,

    /// <summary>A review passed its deadline and fell back (escalate or block).</summary>
    ReviewTimedOut,

    /// <summary>A person overrode an auto-executed decision.</summary>
    Overridden,

    /// <summary>An executed action was reversed.</summary>
    Reversed,

    /// <summary>The affected person contested the outcome.</summary>
    Contested,
}
