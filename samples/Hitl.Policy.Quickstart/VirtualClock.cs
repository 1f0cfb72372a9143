namespace Hitl.Policy.Quickstart;

/// <summary>
/// Simulated time: a day of reviews passes in milliseconds. The gate, the kill switch and the calibrator all read this
/// clock, so deadlines lapse when the simulation says so and the trail is the same on every run.
/// </summary>
public sealed class VirtualClock : TimeProvider
{
    private DateTimeOffset _now;

    /// <summary>Creates a clock standing at <paramref name="start"/>.</summary>
    /// <param name="start">The first instant.</param>
    public VirtualClock(DateTimeOffset start) => _now = start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Moves the clock forward to <paramref name="instant"/>; an earlier instant leaves it where it is (time never runs back).</summary>
    /// <param name="instant">Where the clock should stand.</param>
    public void AdvanceTo(DateTimeOffset instant)
    {
        if (instant > _now)
        {
            _now = instant;
        }
    }
}
