using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Review;
using Hitl.Policy.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hitl.Policy.Feedback;

/// <summary>
/// A candidate policy running beside the active one on live traffic, added with <c>AddShadowPolicy(...)</c> on the
/// builder that <c>AddHitlPolicy</c> returns. It is the policy's <see cref="IEscalationPolicy{TContext}"/> (and the
/// policy its review gate routes with): <see cref="Route"/> returns the active policy's decision unchanged, routes the
/// candidate on the same context, and counts how they compare (metric <see cref="HitlTelemetry.ShadowDecisions"/>).
/// A candidate that throws is counted as a fault and never felt by the caller. A sampled share of the differing
/// decisions is kept in a preallocated buffer and flushed off the live path, every
/// <see cref="ShadowPolicyOptions.FlushInterval"/>, to <see cref="ShadowPolicyOptions.RecordPath"/> (JSON Lines, read by
/// <c>hitl shadow --records</c>) and to the recent differences <see cref="Snapshot"/> returns.
/// </summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
/// <remarks>
/// <para><b>Allocation.</b> Routing allocates nothing, also when the decisions differ and the difference is sampled:
/// a record is a struct of the two decisions, the request id (a reference to the host's string) and the time.</para>
/// <para><b>Sampling.</b> Deterministic, per action type: the <c>n</c>-th differing decision of an action type (counted from 1,
/// candidate faults included) is recorded when <c>ceil(n * SampleRate)</c> is more than <c>ceil((n - 1) * SampleRate)</c>.
/// So exactly <c>ceil(N * SampleRate)</c> of the first <c>N</c> are recorded, evenly spread, and the first difference of
/// every action type always is (unless the rate is 0).</para>
/// <para><b>Bounds.</b> At most <see cref="ShadowPolicyOptions.Capacity"/> records wait for a flush; a sampled difference
/// that finds the buffer full is counted as dropped, and routing never waits. <see cref="Snapshot"/> keeps the most
/// recent <see cref="ShadowPolicyOptions.Capacity"/> flushed differences.</para>
/// <para><b>Not in scope.</b> The candidate is read once, when the shadow starts; it obeys the active policy's kill switch
/// and audit-sample key, so that neither makes a difference of its own.</para>
/// </remarks>
public sealed class LiveShadow<TContext> : IEscalationPolicy<TContext>, IDisposable
{
    private const string NoAction = "(none)";
    private static readonly Func<string, ActionCounts> NewCounts = static _ => new ActionCounts();

    private readonly IEscalationPolicy<TContext> _candidate;
    private readonly ShadowMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ShadowRecordRing _ring;
    private readonly double _sampleRate;
    private readonly string? _recordPath;
    private readonly ConcurrentDictionary<string, ActionCounts> _actions = new(StringComparer.Ordinal);
    private readonly Lock _flush = new();
    private readonly Queue<ShadowDifference> _recent = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly List<PendingShadowRecord> _batch = [];
    private readonly ITimer? _timer;
    private long _written;
    private long _bufferFull;
    private long _writeFailed;
    private long _bufferFullReported;
    private volatile bool _disposed;

    internal LiveShadow(
        ReloadablePolicy<TContext> active, IEscalationPolicy<TContext> candidate, ShadowPolicyOptions options, TimeProvider time,
        ShadowMetrics metrics, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metrics);
        Active = active;
        _candidate = candidate;
        _time = time;
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
        _sampleRate = options.SampleRate;
        _recordPath = options.RecordPath;
        _ring = new ShadowRecordRing(options.Capacity);
        HitlLog.ShadowStarted(_logger, candidate.PolicyId, candidate.PolicyVersion, active.PolicyId, active.PolicyVersion, _sampleRate, _recordPath ?? "memory only");
        _timer = time.CreateTimer(static state => ((LiveShadow<TContext>)state!).FlushFromTimer(), this, options.FlushInterval, options.FlushInterval);
    }

    /// <summary>The active policy: the one whose decisions apply.</summary>
    public ReloadablePolicy<TContext> Active { get; }

    /// <summary>The candidate policy: it only watches.</summary>
    public IEscalationPolicy<TContext> Candidate => _candidate;

    /// <summary>The active policy's id.</summary>
    public string PolicyId => Active.PolicyId;

    /// <summary>The active policy's version.</summary>
    public string PolicyVersion => Active.PolicyVersion;

    /// <summary>How many sampled differences were appended to the record file so far.</summary>
    public long RecordsWritten => Interlocked.Read(ref _written);

    /// <summary>How many sampled differences were lost so far: the buffer was full, or the record file could not be written.</summary>
    public long RecordsDropped => Interlocked.Read(ref _bufferFull) + Interlocked.Read(ref _writeFailed);

    /// <summary>
    /// Routes with the active policy and returns its decision unchanged; routes the candidate on the same context and
    /// counts how the two compare. Nothing of the candidate (a throw, a slow flush, a full buffer) reaches the caller.
    /// Allocates nothing.
    /// </summary>
    /// <param name="context">The signals of the model output.</param>
    /// <returns>The active policy's decision.</returns>
    public Decision Route(in TContext context)
    {
        var decision = Active.Route(in context);
        if (!_disposed)
        {
            Observe(in context, decision);
        }

        return decision;
    }

    /// <summary>Explains the active policy's decision (the candidate's is not part of it).</summary>
    /// <param name="context">The signals of the model output.</param>
    /// <returns>The active policy's trace.</returns>
    public DecisionTrace Explain(in TContext context) => Active.Explain(in context);

    /// <summary>
    /// What the shadow has seen so far, after flushing the records still waiting (to the record file too, when there is
    /// one): the comparisons per action type, the most recent recorded differences (case id: the request id, or empty
    /// when the context has none), and, as dropped, every difference seen but not among them (not sampled, dropped, or
    /// older than the most recent). Join it with the audit trail in <see cref="ShadowReport.Build"/>.
    /// </summary>
    /// <returns>The run.</returns>
    public ShadowRun Snapshot()
    {
        Flush();
        lock (_flush)
        {
            var observed = new SortedDictionary<string, int>(StringComparer.Ordinal);
            long differing = 0;
            foreach (var (action, counts) in _actions)
            {
                observed[action] = Clamp(Interlocked.Read(ref counts.Observed));
                differing += Interlocked.Read(ref counts.Differing);
            }

            var kept = _recent.ToList();
            return new ShadowRun(
                Active.PolicyId + "@" + Active.PolicyVersion,
                _candidate.PolicyId + "@" + _candidate.PolicyVersion,
                observed,
                kept,
                Clamp(Math.Max(0, differing - kept.Count)));
        }
    }

    /// <summary>
    /// Writes the records waiting in the buffer now, instead of at the next tick of the flush timer. A record file that
    /// cannot be written is logged and its records are counted as dropped; this never throws for it.
    /// </summary>
    public void Flush()
    {
        lock (_flush)
        {
            FlushCore();
        }
    }

    /// <summary>Stops the flush timer and flushes what is waiting. Routing goes on with the active policy alone.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _timer?.Dispose();
        try
        {
            Flush();
        }
#pragma warning disable CA1031 // Disposal must not throw; the failure is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HitlLog.ShadowFlushFailed(_logger, ex);
        }
    }

    private static int Clamp(long value) => value > int.MaxValue ? int.MaxValue : (int)value;

    private static string OutcomeOf(ShadowDifferenceKind? kind) => kind switch
    {
        null => "same",
        ShadowDifferenceKind.CandidateLooser => "looser",
        ShadowDifferenceKind.CandidateStricter => "stricter",
        ShadowDifferenceKind.Tier => "tier",
        _ => "fault",
    };

    private static string Name(string? id, string? version) => (id ?? "?") + "@" + (version ?? "?");

    private void Observe(in TContext context, Decision active)
    {
        try
        {
            Decision candidate;
            ShadowDifferenceKind? kind;
            try
            {
                candidate = _candidate.Route(in context);
                kind = ShadowEvaluator<TContext>.Compare(active, candidate);
            }
#pragma warning disable CA1031 // The candidate must never disturb the host: whatever it throws is counted as a fault.
            catch (Exception)
#pragma warning restore CA1031
            {
                candidate = default;
                kind = ShadowDifferenceKind.CandidateFault;
            }

            var actionType = active.ActionType;
            var counts = _actions.GetOrAdd(actionType ?? NoAction, NewCounts);
            Interlocked.Increment(ref counts.Observed);
            var fault = kind == ShadowDifferenceKind.CandidateFault;
            _metrics.Compared(actionType, active.Route, fault ? null : candidate.Route, OutcomeOf(kind));
            if (kind is not { } difference)
            {
                return;
            }

            var n = Interlocked.Increment(ref counts.Differing);
            if (!IsSampled(n))
            {
                return;
            }

            var record = new PendingShadowRecord
            {
                At = _time.GetUtcNow(),
                Active = active,
                Candidate = candidate,
                RequestId = Active.RequestIdOf(in context),
                Kind = difference,
            };
            if (!_ring.TryAdd(in record))
            {
                Interlocked.Increment(ref _bufferFull);
                _metrics.Dropped(actionType, ShadowMetrics.BufferFull);
            }
        }
#pragma warning disable CA1031 // Counting and recording are the shadow's business, never the caller's: a failing meter listener changes no decision.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Whether the n-th difference (from 1) of an action type is recorded: see the remarks on sampling.</summary>
    private bool IsSampled(long n) =>
        _sampleRate >= 1 || (_sampleRate > 0 && Math.Ceiling(n * _sampleRate) > Math.Ceiling((n - 1) * _sampleRate));

    private void FlushFromTimer()
    {
        // A flush still running (a slow disk) is not queued behind: this tick is skipped, the next one takes the rest.
        if (!_flush.TryEnter())
        {
            return;
        }

        try
        {
            FlushCore();
        }
#pragma warning disable CA1031 // A timer callback that throws would end the process; the failure is logged and the next tick tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HitlLog.ShadowFlushFailed(_logger, ex);
        }
        finally
        {
            _flush.Exit();
        }
    }

    /// <summary>Drains the buffer: to the record file when there is one, and to the recent differences. The caller holds the lock.</summary>
    private void FlushCore()
    {
        var bufferFull = Interlocked.Read(ref _bufferFull);
        if (bufferFull != _bufferFullReported)
        {
            HitlLog.ShadowRecordsDropped(_logger, bufferFull - _bufferFullReported, _ring.Capacity);
            _bufferFullReported = bufferFull;
        }

        _batch.Clear();
        while (_batch.Count < _ring.Capacity && _ring.TryTake(out var pending))
        {
            _batch.Add(pending);
        }

        if (_batch.Count == 0)
        {
            return;
        }

        var records = new List<LiveShadowRecord>(_batch.Count);
        foreach (var pending in _batch)
        {
            records.Add(ToRecord(pending));
        }

        _batch.Clear();
        if (_recordPath is not null)
        {
            Append(records);
        }

        foreach (var record in records)
        {
            _recent.Enqueue(record.ToDifference(record.RequestId ?? ""));
            while (_recent.Count > _ring.Capacity)
            {
                _recent.Dequeue();
            }
        }
    }

    private LiveShadowRecord ToRecord(in PendingShadowRecord pending)
    {
        var fault = pending.Kind == ShadowDifferenceKind.CandidateFault;
        var active = pending.Active;
        var candidate = pending.Candidate;
        return new LiveShadowRecord
        {
            At = pending.At,
            ActivePolicy = Name(active.PolicyId, active.PolicyVersion),
            CandidatePolicy = Name(candidate.PolicyId ?? _candidate.PolicyId, candidate.PolicyVersion ?? _candidate.PolicyVersion),
            ActionType = active.ActionType,
            RequestId = pending.RequestId,
            Kind = pending.Kind,
            ActiveRoute = active.Route,
            CandidateRoute = fault ? null : candidate.Route,
            ActiveTier = active.RequiredTier,
            CandidateTier = fault ? null : candidate.RequiredTier,
            ActiveDecidedBy = active.DecidedBy,
            CandidateDecidedBy = fault ? null : candidate.DecidedBy,
        };
    }

    /// <summary>Appends the records as JSON Lines in one write; a failure is logged and counted, never thrown.</summary>
    private void Append(List<LiveShadowRecord> records)
    {
        _buffer.Clear();
        using (var writer = new Utf8JsonWriter(_buffer))
        {
            foreach (var record in records)
            {
                JsonSerializer.Serialize(writer, record, LiveShadowJsonContext.Default.LiveShadowRecord);
                writer.Flush();
                writer.Reset();
                _buffer.Write("\n"u8);
            }
        }

        try
        {
            using var file = new FileStream(_recordPath!, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            if (file.Length > 0)
            {
                // A line cut off before (a crash, a full disk) must not swallow the first record of this flush.
                file.Seek(-1, SeekOrigin.End);
                if (file.ReadByte() != '\n')
                {
                    file.WriteByte((byte)'\n');
                }
            }

            file.Seek(0, SeekOrigin.End);
            file.Write(_buffer.WrittenSpan);
            file.Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or System.Security.SecurityException)
        {
            Interlocked.Add(ref _writeFailed, records.Count);
            foreach (var record in records)
            {
                _metrics.Dropped(record.ActionType, ShadowMetrics.WriteFailed);
            }

            HitlLog.ShadowWriteFailed(_logger, ex, records.Count, _recordPath!);
            return;
        }

        Interlocked.Add(ref _written, records.Count);
        foreach (var record in records)
        {
            _metrics.Written(record.ActionType);
        }
    }

    /// <summary>The comparisons and differences of one action type (the sampling counts per action type).</summary>
    private sealed class ActionCounts
    {
        public long Observed;
        public long Differing;
    }
}
