using Hitl.Policy.Review;
using Microsoft.AspNetCore.Http;

namespace Hitl.Policy.AspNetCore.Inbox;

/// <summary>The queue's filter and page as the address gives them (<c>?state=held&amp;action=refund.issue&amp;after=...</c>), bounded.</summary>
internal sealed record QueueFilter(CaseState State, string? ActionType, string? After)
{
    /// <summary>Reads the filter; <see langword="null"/> when a value is not one the inbox makes (an unknown state, an action type over 128 characters, a cursor over 512).</summary>
    public static QueueFilter? From(IQueryCollection query)
    {
        CaseState? state = InboxPages.One(query["state"]) switch
        {
            null or "" or "pending" => CaseState.Pending,
            "held" => CaseState.Held,
            _ => null,
        };
        var actionType = InboxPages.One(query["action"]) is { Length: > 0 } a ? a : null;
        var after = InboxPages.One(query["after"]) is { Length: > 0 } c ? c : null;
        return state is null || actionType is { Length: > 128 } || after is { Length: > 512 }
            ? null
            : new QueueFilter(state.Value, actionType, after);
    }
}
