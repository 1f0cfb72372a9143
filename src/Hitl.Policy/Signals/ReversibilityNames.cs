namespace Hitl.Policy;

/// <summary>The JSON names of <see cref="Reversibility"/> values.</summary>
internal static class ReversibilityNames
{
    public static string Of(Reversibility value) => value switch
    {
        Reversibility.Reversible => "reversible",
        Reversibility.CostlyToReverse => "costly-to-reverse",
        Reversibility.Irreversible => "irreversible",
        _ => "invalid",
    };

    public static Reversibility? Parse(string text) => text switch
    {
        "reversible" => Reversibility.Reversible,
        "costly-to-reverse" => Reversibility.CostlyToReverse,
        "irreversible" => Reversibility.Irreversible,
        _ => null,
    };
}
