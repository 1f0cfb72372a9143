namespace Hitl.Policy.Tests.Feedback;

/// <summary>A clock that always says the same time.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);

    public FixedClock() : this(Start)
    {
    }

    public override DateTimeOffset GetUtcNow() => now;
}
