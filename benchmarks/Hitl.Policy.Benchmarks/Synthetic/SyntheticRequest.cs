namespace Hitl.Policy.Benchmarks.Synthetic;

/// <summary>A host context for the generated policies of the sweeps: eight numeric host fields <c>f0</c>..<c>f7</c> in [0, 1].</summary>
public readonly record struct SyntheticRequest
{
    public string? Action { get; init; }

    public string? RequestId { get; init; }

    public double Confidence { get; init; }

    public double Amount { get; init; }

    public double F0 { get; init; }

    public double F1 { get; init; }

    public double F2 { get; init; }

    public double F3 { get; init; }

    public double F4 { get; init; }

    public double F5 { get; init; }

    public double F6 { get; init; }

    public double F7 { get; init; }
}
