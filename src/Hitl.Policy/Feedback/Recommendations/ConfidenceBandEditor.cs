using System.Globalization;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Feedback;

/// <summary>
/// Moves the auto-execute threshold of a list of confidence bands and nothing else: confidence at or above the new
/// threshold gets the route of the lowest automatic band, confidence below it the route of the highest band that
/// needs a person; every other band keeps its route, tier, approvals and deadline. The result covers [0, 1] without
/// gaps or overlaps and stays monotone, so it compiles wherever the input did.
/// </summary>
public static class ConfidenceBandEditor
{
    /// <summary>Returns new bands with the auto-execute threshold moved; the input is not changed.</summary>
    /// <param name="bands">The current bands (any order); empty when the action type has none.</param>
    /// <param name="threshold">The new threshold in [0, 1), or <see langword="null"/> to auto-execute at no confidence.</param>
    /// <param name="actionType">The action type, used to name a band that has to be added.</param>
    /// <returns>The new bands, lowest first.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is outside [0, 1).</exception>
    public static List<ConfidenceBandDefinition> WithAutoThreshold(IEnumerable<ConfidenceBandDefinition> bands, double? threshold, string actionType)
    {
        ArgumentNullException.ThrowIfNull(bands);
        ArgumentException.ThrowIfNullOrWhiteSpace(actionType);
        if (threshold is { } check && !(check >= 0 && check < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the auto-execute threshold must lie in [0, 1)");
        }

        var sorted = bands.Where(b => b is not null).OrderBy(b => b.Min).ToList();
        var ids = new HashSet<string>(sorted.Select(b => b.Id ?? ""), StringComparer.Ordinal);
        var person = sorted.Where(b => !IsAutomatic(b)).Select(Clone).ToList();
        var automatic = sorted.Where(IsAutomatic).Select(Clone).ToList();
        if (threshold is not { } t)
        {
            foreach (var band in automatic)
            {
                band.Route = RouteLevel.Review;
            }

            var all = person.Concat(automatic).ToList();
            return all.Count > 0 ? all : [NewBand(ids, actionType, "no-auto", 0, 1, RouteLevel.Review)];
        }

        person = person.Where(b => b.Min < t).ToList();
        foreach (var band in person)
        {
            band.Max = Math.Min(band.Max, t);
        }

        automatic = automatic.Where(b => b.Max > t).ToList();
        foreach (var band in automatic)
        {
            band.Min = Math.Max(band.Min, t);
        }

        if (t > 0)
        {
            if (person.Count == 0)
            {
                person.Add(NewBand(ids, actionType, "below-auto", 0, t, RouteLevel.Review));
            }

            // Close the gap between the two sides: the highest person band reaches up to the threshold.
            person[^1].Max = t;
        }

        if (automatic.Count == 0)
        {
            automatic.Add(NewBand(ids, actionType, "auto", t, 1, RouteLevel.AutoExecute));
        }

        // And the lowest automatic band reaches down to it.
        automatic[0].Min = t;
        return [.. person, .. automatic];
    }

    private static bool IsAutomatic(ConfidenceBandDefinition band) => (band.Route ?? RouteLevel.Review).IsAutomatic();

    private static ConfidenceBandDefinition NewBand(HashSet<string> ids, string actionType, string suffix, double min, double max, RouteLevel route)
    {
        var id = actionType + ".confidence." + suffix;
        for (var i = 2; !ids.Add(id); i++)
        {
            id = actionType + ".confidence." + suffix + "." + i.ToString(CultureInfo.InvariantCulture);
        }

        return new ConfidenceBandDefinition { Id = id, Min = min, Max = max, Route = route };
    }

    private static ConfidenceBandDefinition Clone(ConfidenceBandDefinition band) => new()
    {
        Id = band.Id,
        Min = band.Min,
        Max = band.Max,
        Route = band.Route,
        Tier = band.Tier,
        Approvals = band.Approvals,
        Deadline = band.Deadline,
        OnTimeout = band.OnTimeout,
        UnknownProperties = band.UnknownProperties,
    };
}
