using Hitl.Policy.Review;
using Microsoft.AspNetCore.Antiforgery;

namespace Hitl.Policy.AspNetCore.Inbox;

/// <summary>What every page's frame shows: the title, where the inbox is mapped, who is signed in.</summary>
internal sealed record PageFrame(string Title, string BasePath, string? UserId, string? Tier, bool IsOperator, DateTimeOffset Now);

/// <summary>The queue page.</summary>
internal sealed record QueueModel(PageFrame Frame, IReadOnlyList<CaseRecord> Cases, string? Next, CaseState State, string? ActionType, InboxCounts Mine, InboxCounts All, string? Notice);

/// <summary>The case page: the review packet and the forms of the acts the reviewer may take.</summary>
internal sealed record CaseModel(PageFrame Frame, CaseRecord Case, AntiforgeryTokenSet Tokens, string ShownToken)
{
    /// <summary>Whether the case is open to the reviewer's acts (pending, or held for a rejection).</summary>
    public bool MayAct { get; init; }

    /// <summary>The payload to show: the model's output, or <see langword="null"/> while withheld from this reviewer.</summary>
    public string? Payload { get; init; }

    /// <summary>Whether the reviewer recorded an independent decision (for a withheld suggestion).</summary>
    public bool DecidedIndependently { get; init; }

    /// <summary>A refusal or a problem with the form, shown at the top.</summary>
    public string? Error { get; init; }

    /// <summary>What the last act did.</summary>
    public string? Notice { get; init; }

    /// <summary>The edited payload as the reviewer typed it (kept when an edit is refused).</summary>
    public string? EditedPayload { get; init; }

    public required IReadOnlyList<string> RejectCodes { get; init; }

    public required IReadOnlyList<string> EscalateCodes { get; init; }

    public required int MaxReasonLength { get; init; }
}

/// <summary>The operator's kill switch panel.</summary>
internal sealed record OperatorModel(PageFrame Frame, KillSwitch Switch, AntiforgeryTokenSet Tokens, string? Error, string? Notice, int MaxReasonLength);

/// <summary>The contest page of the affected person.</summary>
internal sealed record ContestModel(PageFrame Frame, CaseRecord Case, AntiforgeryTokenSet Tokens, string? Error, string? Notice, int MaxReasonLength);

/// <summary>A page that only says something: not found, not allowed, a form refused.</summary>
internal sealed record MessageModel(PageFrame Frame, string Heading, string Text);
