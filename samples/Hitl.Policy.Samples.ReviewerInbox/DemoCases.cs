using System.Globalization;
using Hitl.Policy.Review;

namespace Hitl.Policy.Samples.ReviewerInbox;

/// <summary>
/// The cases the sample opens when its store has none waiting: model outputs of four action types, for both tiers, one
/// with a hostile payload, one whose suggestion is withheld, and one about the customer that ran on its own (to contest).
/// </summary>
public static class DemoCases
{
    /// <summary>The action type whose suggestion reviewers decide without (set in the gate's options).</summary>
    public const string WithheldAction = "claim.decide";

    /// <summary>Opens the demo cases through the gate, unless cases are already waiting; returns how many it opened.</summary>
    /// <param name="gate">The gate.</param>
    /// <param name="policy">The policy that routes them.</param>
    /// <param name="run">A run id, so that the case ids of two runs on one file never collide.</param>
    /// <param name="cancellationToken">Cancels the seeding.</param>
    /// <returns>How many cases were opened.</returns>
    public static async Task<int> SeedAsync(ReviewGate<Signals> gate, IEscalationPolicy<Signals> policy, string run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(policy);
        var waiting = await gate.Cases.QueryAsync(new CaseQuery { States = [CaseState.Pending], Limit = 1 }, cancellationToken).ConfigureAwait(false);
        if (waiting.Cases.Count > 0)
        {
            return 0;
        }

        var opened = 0;
        foreach (var (n, demo) in All().Index())
        {
            var request = new GateRequest<Signals>
            {
                Context = demo.Signals,
                Decision = policy.Route(demo.Signals),
                Payload = demo.Payload,
                CaseId = string.Create(CultureInfo.InvariantCulture, $"{demo.Signals.ActionType}-{run}-{n + 1}"),
                Requester = "support-bot",
                Subject = demo.Subject,
                Summary = demo.Summary,
                Confidence = demo.Signals.Confidence,
                ModelId = "assistant-model",
                ModelVersion = "2026-11",
            };
            await gate.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
            opened++;
        }

        return opened;
    }

    private static IEnumerable<(Signals Signals, string Payload, string Summary, string? Subject)> All()
    {
        yield return (Refund(120, 0.78), """{"order":1042,"amount":120.00,"currency":"EUR","reason":"parcel arrived damaged"}""",
            "Refund 120.00 EUR for order 1042: the customer sent photos of a damaged parcel.", DemoPeople.Customer);
        yield return (Refund(64.5, 0.71), """{"order":1077,"amount":64.50,"currency":"EUR","reason":"late delivery"}""",
            "Refund 64.50 EUR for order 1077: delivered nine days late.", "dana");
        yield return (Refund(2400, 0.83), """{"order":981,"amount":2400.00,"currency":"EUR","reason":"laptop never arrived"}""",
            "Refund 2,400.00 EUR for order 981: the carrier lost a laptop.", "erik");
        yield return (new Signals { ActionType = "email.send", Confidence = 0.66, Reversibility = Reversibility.Reversible, Category = "support" },
            """{"to":"fay@example.org","subject":"Your order","body":"<script>alert('stolen')</script> Click <a href=\"javascript:alert(1)\">here</a> to confirm."}""",
            "E-mail to a customer drafted by the model <b>(check the links)</b>.", "fay");
        yield return (new Signals { ActionType = "account.close", Confidence = 0.92, Reversibility = Reversibility.Irreversible, Category = "account" },
            """{"account":"A-5531","closeAfter":"2026-12-31","refundBalance":true}""",
            "Close account A-5531 at the customer's request; the balance is refunded.", "gus");
        var claim = new Signals { ActionType = WithheldAction, Confidence = 0.74, Reversibility = Reversibility.Reversible, Category = "benefits" };
        claim.Flags["claim.denial"] = true;
        yield return (claim, """{"claim":"C-88","decision":"deny","because":"income above the limit"}""",
            "Benefit claim C-88: decide whether the income evidence supports it.", "hana");
        yield return (Refund(35, 0.97), """{"order":1101,"amount":35.00,"currency":"EUR","reason":"wrong size"}""",
            "Refund 35.00 EUR for order 1101: wrong size; ran on its own (high confidence).", DemoPeople.Customer);
    }

    private static Signals Refund(double amount, double confidence) => new()
    {
        ActionType = "refund.issue",
        Amount = amount,
        Confidence = confidence,
        Reversibility = Reversibility.Reversible,
        Category = "retail",
    };
}
