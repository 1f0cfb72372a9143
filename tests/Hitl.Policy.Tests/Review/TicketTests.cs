using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

public sealed class TicketTests
{
    [Fact]
    public async Task The_ticket_marks_ai_content_and_shows_confidence_rules_and_why()
    {
        using var f = new GateFixture();
        var result = await f.SubmitAsync(GateFixture.Refund(2000, confidence: 0.7), "refund 2000");
        var ticket = result.Ticket!;

        Assert.True(ticket.IsAiGenerated);
        Assert.Equal(ReviewTicket.AiGeneratedNotice, ticket.AiNotice);
        Assert.Equal(0.7, ticket.Confidence);
        Assert.Contains("refund.medium", ticket.FiredRules);
        Assert.Contains("confidence.low", ticket.FiredRules);
        Assert.All(ticket.FiredRuleDetails, r => Assert.True(r.Fired));
        Assert.Contains(ticket.FiredRuleDetails, r => r.RuleId == "refund.medium");
        Assert.False(string.IsNullOrWhiteSpace(ticket.Why));
        Assert.Equal("refund 2000", ticket.Suggestion);
        Assert.False(ticket.SuggestionWithheld);
        Assert.Equal("Customer asks for a refund of a damaged parcel.", ticket.Summary);
        Assert.Equal("rita", ticket.Requester);
        Assert.Equal("carl", ticket.Subject);
        Assert.Equal("refunds", ticket.PolicyId);
        Assert.Equal(0.7, f.Audit.EntriesFor(result.CaseId)[0].Confidence);
    }

    [Fact]
    public async Task Per_action_options_show_weaknesses_and_withhold_the_suggestion()
    {
        var options = new ReviewGateOptions();
        options.Actions["refund.issue"] = new ActionReviewOptions { Weaknesses = "Misreads partial refunds on split orders.", WithholdSuggestion = true };
        options.Defaults = new ActionReviewOptions { Weaknesses = "general" };
        using var f = new GateFixture(options);

        var refund = await f.SubmitAsync(GateFixture.Refund(2000), "refund 2000");
        var email = await f.SubmitAsync(new Signals { ActionType = "email.send", Category = "legal", Confidence = 0.95, Reversibility = Reversibility.Reversible }, "Dear customer");

        Assert.True(refund.Ticket!.SuggestionWithheld);
        Assert.Null(refund.Ticket.Suggestion);
        Assert.Equal("Misreads partial refunds on split orders.", refund.Ticket.ModelWeaknesses);
        Assert.Equal("Customer asks for a refund of a damaged parcel.", refund.Ticket.Summary);
        Assert.False(email.Ticket!.SuggestionWithheld);
        Assert.Equal("Dear customer", email.Ticket.Suggestion);
        Assert.Equal("general", email.Ticket.ModelWeaknesses);

        await f.Gate.EscalateAsync(new HumanAct(refund.CaseId, "ann", "unsure"));
        Assert.Null(f.Sink.TicketsFor(refund.CaseId)[^1].Suggestion);
    }
}
