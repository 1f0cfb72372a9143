using System.Diagnostics.Metrics;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Feedback;
using Hitl.Policy.Telemetry;
using Hitl.Policy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Hitl.Policy.Tests.Feedback.Live.LiveShadowFixture;

namespace Hitl.Policy.Tests.Feedback.Live;

/// <summary>
/// The live path allocates nothing, warm, with a listener on the shadow's counters: not for equal decisions, not for
/// differing ones that are sampled into the buffer, and not when the buffer is full and they are dropped.
/// </summary>
public sealed class LiveShadowAllocationTests : IDisposable
{
    private const int Calls = 1000;
    private static long _measured;
    private readonly MeterListener _listener = new();

    public LiveShadowAllocationTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == HitlTelemetry.MeterName && instrument.Name.StartsWith("hitl.shadow.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, _, _) => Interlocked.Add(ref _measured, value));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private static long Allocated(LiveShadow<Signals> shadow, Signals context) => SteadyAllocation.Of(() =>
    {
        for (var i = 0; i < Calls; i++)
        {
            shadow.Route(in context);
        }
    });

    [Fact]
    public void Equal_decisions_allocate_nothing()
    {
        var action = Action("alloc-same");
        using var provider = Provider(action, new FakeTimeProvider());
        var shadow = provider.GetRequiredService<LiveShadow<Signals>>();
        var before = Interlocked.Read(ref _measured);

        Assert.Equal(0, Allocated(shadow, Case(action, SameReview, "req-same")));
        Assert.True(Interlocked.Read(ref _measured) - before >= Calls, "the counter was not listened to");
        Assert.Empty(shadow.Snapshot().Differences);
    }

    [Fact]
    public void Differing_sampled_decisions_written_into_the_buffer_allocate_nothing()
    {
        var action = Action("alloc-differ");
        using var provider = Provider(action, new FakeTimeProvider(), o => o.Capacity = 8 * Calls);
        var shadow = provider.GetRequiredService<LiveShadow<Signals>>();
        var before = Interlocked.Read(ref _measured);

        Assert.Equal(0, Allocated(shadow, Case(action, Looser, "req-differ")));
        Assert.True(Interlocked.Read(ref _measured) - before >= Calls, "the counter was not listened to");
        Assert.Equal(0, shadow.RecordsDropped);
        var run = shadow.Snapshot();
        Assert.True(run.Differences.Count >= 2 * Calls, $"only {run.Differences.Count} differences were kept");
        Assert.All(run.Differences, d => Assert.Equal(("req-differ", ShadowDifferenceKind.CandidateLooser), (d.CaseId, d.Kind)));
    }

    [Fact]
    public void Differences_dropped_because_the_buffer_is_full_allocate_nothing()
    {
        var action = Action("alloc-full");
        using var provider = Provider(action, new FakeTimeProvider(), o => o.Capacity = 1);
        var shadow = provider.GetRequiredService<LiveShadow<Signals>>();

        Assert.Equal(0, Allocated(shadow, Case(action, Tier, "req-full")));
        Assert.True(shadow.RecordsDropped >= 2 * Calls - 1, $"{shadow.RecordsDropped} dropped");
    }

    [Fact]
    public void A_shadow_with_half_its_differences_sampled_allocates_nothing_either()
    {
        var action = Action("alloc-half");
        using var provider = Provider(action, new FakeTimeProvider(), o => (o.Capacity, o.SampleRate) = (8 * Calls, 0.5));
        var shadow = provider.GetRequiredService<LiveShadow<Signals>>();

        Assert.Equal(0, Allocated(shadow, Case(action, Stricter, "req-half")));
    }
}
