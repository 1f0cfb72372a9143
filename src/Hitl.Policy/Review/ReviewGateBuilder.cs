using System.Runtime.CompilerServices;
using Hitl.Policy.Audit;
using Hitl.Policy.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hitl.Policy.Review;

/// <summary>
/// Puts a <see cref="ReviewGate{TContext}"/> together: the policy, the three parts every gate needs (an audit store,
/// a review sink and a reviewer directory), the optional parts, the settings and the clock. Outside dependency
/// injection this is the way to make a gate; <c>AddHitlPolicy(...).AddReviewGate()</c> uses it too.
/// </summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
/// <example>
/// <code>
/// using var gate = new ReviewGateBuilder&lt;LoanRequest&gt;(policy)
///     .AddAuditStore(audit)
///     .AddReviewSink(queue)
///     .AddReviewerDirectory(directory)
///     .Configure(o => o.SweepInterval = TimeSpan.FromSeconds(30))
///     .UseTimeProvider(timeProvider)
///     .Build();
/// </code>
/// </example>
public sealed class ReviewGateBuilder<TContext>
{
    private readonly List<EscalationHandlerRegistration> _handlers = [];
    private readonly List<Action<ReviewGateOptions>> _configure = [];
    private readonly List<SegmentReader<TContext>> _segments = [];
    private ReviewGateOptions? _options;

    /// <summary>Starts a gate for a policy.</summary>
    /// <param name="policy">The policy whose decisions pass the gate; the gate routes with it and explains with it.</param>
    public ReviewGateBuilder(IEscalationPolicy<TContext> policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
    }

    internal IEscalationPolicy<TContext> Policy { get; }

    internal IAuditStore? AuditStore { get; private set; }

    internal ICaseStore? CaseStore { get; private set; }

    internal IReviewSink? ReviewSink { get; private set; }

    internal IReviewerDirectory? Reviewers { get; private set; }

    internal INotificationSink? Notifications { get; private set; }

    internal ICompensationHook? Compensation { get; private set; }

    internal IReadOnlyList<EscalationHandlerRegistration> Handlers => _handlers;

    internal TimeProvider Time { get; private set; } = TimeProvider.System;

    internal ILogger Logger { get; private set; } = NullLogger.Instance;

    internal GateMetrics? Metrics { get; private set; }

    internal KillSwitch? KillSwitch { get; private set; }

    internal IReadOnlyList<SegmentReader<TContext>> Segments => _segments;

    /// <summary>Sets where every decision and act is recorded (required).</summary>
    /// <param name="store">The store.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> AddAuditStore(IAuditStore store) => Set(store, s => AuditStore = s);

    /// <summary>
    /// Keeps the gate's cases in this store (the source of truth: a restart, or another gate on the same store, goes on
    /// with them), and records to its trail (<see cref="ICaseStore.Audit"/>): an act, its record and the case change commit
    /// together. Without it the gate keeps cases in an <see cref="InMemoryCaseStore"/> over the audit store.
    /// </summary>
    /// <param name="store">The case store.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> UseCaseStore(ICaseStore store) => Set(store, s => CaseStore = s);

    /// <summary>Sets where review tickets go (required).</summary>
    /// <param name="sink">The sink.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> AddReviewSink(IReviewSink sink) => Set(sink, s => ReviewSink = s);

    /// <summary>Sets who holds which role and tier (required).</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> AddReviewerDirectory(IReviewerDirectory directory) => Set(directory, d => Reviewers = d);

    /// <summary>Sets where notices go (optional: without one, notice-only actions go to review).</summary>
    /// <param name="sink">The sink.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> AddNotificationSink(INotificationSink sink) => Set(sink, s => Notifications = s);

    /// <summary>Sets what reverses executed actions (optional: without one, reversal is refused).</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> AddCompensationHook(ICompensationHook hook) => Set(hook, h => Compensation = h);

    /// <summary>Adds an escalation handler to the chain (handlers run in the order they were added).</summary>
    /// <param name="handler">The handler.</param>
    /// <param name="tier">The tier it handles, or <see langword="null"/> for all.</param>
    /// <param name="actionType">The action type it handles, or <see langword="null"/> for all.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> AddEscalationHandler(IEscalationHandler handler, string? tier = null, string? actionType = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(new EscalationHandlerRegistration(handler, tier, actionType));
        return this;
    }

    /// <summary>Adds escalation handlers to the chain, in order.</summary>
    /// <param name="registrations">The handlers and what they handle.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> AddEscalationHandlers(IEnumerable<EscalationHandlerRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        foreach (var registration in registrations)
        {
            ArgumentNullException.ThrowIfNull(registration, nameof(registrations));
            _handlers.Add(registration);
        }

        return this;
    }

    /// <summary>Uses these settings (a copy is not taken: do not change them after <see cref="Build"/>).</summary>
    /// <param name="options">The settings.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> UseOptions(ReviewGateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        return this;
    }

    /// <summary>Changes the settings; changes apply in order, after <see cref="UseOptions"/>.</summary>
    /// <param name="configure">The change.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> Configure(Action<ReviewGateOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configure.Add(configure);
        return this;
    }

    /// <summary>Sets the clock the gate reads for deadlines, records and sweeps (the system clock by default).</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> UseTimeProvider(TimeProvider timeProvider) => Set(timeProvider, t => Time = t);

    /// <summary>Sets the logger factory; the gate logs as <c>Hitl.Policy.Review.ReviewGate</c>.</summary>
    /// <param name="loggerFactory">The factory.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> UseLoggerFactory(ILoggerFactory loggerFactory) =>
        Set(loggerFactory, f => Logger = f.CreateLogger("Hitl.Policy.Review.ReviewGate"));

    /// <summary>Sets the instruments (share one <see cref="GateMetrics"/> per application); a private set by default.</summary>
    /// <param name="metrics">The instruments.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> UseMetrics(GateMetrics metrics) => Set(metrics, m => Metrics = m);

    /// <summary>
    /// Sets the kill switch the gate obeys at submit and again when an approval would execute. By default the policy's
    /// own (<see cref="CompiledPolicy{TContext}.KillSwitch"/> or <see cref="ReloadablePolicy{TContext}.KillSwitch"/>), or a
    /// switch of the gate's own (<see cref="ReviewGate{TContext}.KillSwitch"/>) for any other policy.
    /// </summary>
    /// <param name="killSwitch">The switch.</param>
    /// <returns>This builder.</returns>
    public ReviewGateBuilder<TContext> UseKillSwitch(KillSwitch killSwitch) => Set(killSwitch, k => KillSwitch = k);

    /// <summary>
    /// Declares a segment: a group every case is put in for oversight, read from its context (a host field such as the
    /// customer group, region or language). The value goes on the decision record (see <see cref="CaseSegments"/>) and
    /// takes part in no decision. A reader that throws, or gives a value that is empty, longer than 256 characters or
    /// holds control characters, leaves the segment out of that case and never stops the submit.
    /// </summary>
    /// <param name="name">The segment's name: 1 to 64 letters, digits, <c>.</c>, <c>-</c> or <c>_</c>.</param>
    /// <param name="value">Reads the value from a context.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The name is not valid, or is declared twice, or there are more than <see cref="CaseSegments.MaxEntries"/>.</exception>
    public ReviewGateBuilder<TContext> SegmentBy(string name, Func<TContext, string?> value)
    {
        CaseSegments.CheckedName(name);
        ArgumentNullException.ThrowIfNull(value);
        if (_segments.Exists(s => string.Equals(s.Name, name, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"The segment '{name}' is declared twice; give each segment one reader.", nameof(name));
        }

        if (_segments.Count >= CaseSegments.MaxEntries)
        {
            throw new ArgumentException($"A gate reads at most {CaseSegments.MaxEntries} segments; '{name}' would be one more.", nameof(name));
        }

        _segments.Add(new SegmentReader<TContext>(name, value));
        return this;
    }

    internal ReviewGateBuilder<TContext> AddSegments(IEnumerable<SegmentReader<TContext>> readers)
    {
        foreach (var reader in readers)
        {
            SegmentBy(reader.Name, reader.Read);
        }

        return this;
    }

    /// <summary>Makes the gate.</summary>
    /// <returns>The gate; dispose it to stop its sweep timer.</returns>
    /// <exception cref="InvalidOperationException">
    /// A required part is missing, or a setting is not valid; the message lists every problem and how to fix it.
    /// </exception>
    public ReviewGate<TContext> Build()
    {
        var options = BuildOptions();
        var problems = new List<string>();
        if (CaseStore is not null && AuditStore is not null && !ReferenceEquals(AuditStore, CaseStore.Audit))
        {
            problems.Add("Both a case store and another audit store: the case store records to its own trail (ICaseStore.Audit); leave AddAuditStore(...) out.");
        }

        if (AuditStore is null && CaseStore is null)
        {
            problems.Add("No audit store: call UseCaseStore(...) or AddAuditStore(...) (every decision and act is recorded before it takes effect).");
        }

        if (ReviewSink is null)
        {
            problems.Add("No review sink: call AddReviewSink(...) (where review tickets go).");
        }

        if (Reviewers is null)
        {
            problems.Add("No reviewer directory: call AddReviewerDirectory(...) (who holds which role and tier).");
        }

        problems.AddRange(ReviewGateOptionsValidator.Problems(options, "ReviewGateOptions"));
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                "The review gate cannot be built:" + string.Concat(problems.Select(p => Environment.NewLine + "  " + p)));
        }

        return new ReviewGate<TContext>(this, options);
    }

    private ReviewGateOptions BuildOptions()
    {
        var options = _options ?? new ReviewGateOptions();
        foreach (var configure in _configure)
        {
            configure(options);
        }

        return options;
    }

    private ReviewGateBuilder<TContext> Set<T>(T value, Action<T> set, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value, name);
        set(value);
        return this;
    }
}
