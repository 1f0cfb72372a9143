namespace Hitl.Policy.Benchmarks.Scenarios;

/// <summary>
/// The route-only policy (<see cref="RouteOnlyScenario.PolicyJson"/>) written by hand as a team would write it: an
/// <c>if</c> per rule keeping the most restrictive route, with the engine's fail-closed reading of invalid signals
/// (confidence and evidence read as 0, risk as 1, the amount as the largest double, and the invalid-signal route
/// applied), unknown action types raised to review, and a notice on an irreversible payment raised to review. It
/// returns only the route: no tier, no rule ids.
/// </summary>
public static class RouteOnlyHandWritten
{
    /// <summary>Routes one request.</summary>
    /// <param name="r">The request.</param>
    /// <returns>The most restrictive route of the rules that apply, raised by the engine's fail-closed steps.</returns>
    public static RouteLevel Route(in RouteOnlyRequest r)
    {
        var known = true;
        var payout = false;
        switch (r.Action)
        {
            case "payment.send":
                break;
            case "payment.payout":
                payout = true;
                break;
            default:
                known = false;
                break;
        }

        var invalid = false;
        var c = Unit(r.Confidence, 0, ref invalid);
        var risk = Unit(r.Risk, 1, ref invalid);
        var e = Unit(r.Evidence, 0, ref invalid);
        var amount = Amount(r.Amount, ref invalid);

        // Confidence bands.
        var route = c < 0.75 ? RouteLevel.Escalate : c < 0.9 ? RouteLevel.Review : RouteLevel.AutoExecute;

        // Risk thresholds.
        if (risk >= 0.95)
        {
            route = RouteLevel.Block;
        }
        else if (risk >= 0.8)
        {
            route = Max(route, RouteLevel.Escalate);
        }
        else if (risk >= 0.5)
        {
            route = Max(route, RouteLevel.Review);
        }

        // Reversibility gate: costly to reverse (or worse) goes ahead with a notice.
        if (r.Reversibility >= Reversibility.CostlyToReverse)
        {
            route = Max(route, RouteLevel.AutoExecuteWithNotice);
        }

        // Impact tiers.
        if (amount >= 25_000)
        {
            route = Max(route, RouteLevel.Escalate);
        }
        else if (amount >= 1_000)
        {
            route = Max(route, RouteLevel.Review);
        }

        // The payout rule on the action type.
        if (payout && amount >= 200)
        {
            route = Max(route, RouteLevel.AutoExecuteWithNotice);
        }

        // Vulnerable gate and weak evidence.
        if (r.Vulnerable || e < 0.4)
        {
            route = Max(route, RouteLevel.Review);
        }

        // The engine's fail-closed steps: invalid signal, unknown action type, no notice on an irreversible action.
        if (invalid || !known || (route == RouteLevel.AutoExecuteWithNotice && r.Reversibility == Reversibility.Irreversible))
        {
            route = Max(route, RouteLevel.Review);
        }

        return route;
    }

    private static RouteLevel Max(RouteLevel a, RouteLevel b) => a >= b ? a : b;

    private static double Unit(double value, double riskiest, ref bool invalid)
    {
        if (value >= 0 && value <= 1)
        {
            return value;
        }

        invalid = true;
        return riskiest;
    }

    private static double Amount(double value, ref bool invalid)
    {
        if (value >= 0 && double.IsFinite(value))
        {
            return value;
        }

        invalid = true;
        return double.MaxValue;
    }
}
