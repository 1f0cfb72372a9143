using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using Hitl.Policy.Review;

namespace Hitl.Policy.Audit;

/// <summary>
/// The embedded audit store: a JSON Lines file, one hash-chained record per line, written durably and never rewritten.
/// </summary>
/// <remarks>
/// <para><b>Durable.</b> <see cref="AppendAsync"/> completes only after the record's line has been written and flushed
/// to disk (<see cref="FileStream.Flush(bool)"/> with <c>flushToDisk: true</c>). With
/// <see cref="JsonLinesAuditStoreOptions.GroupCommit"/> appends that arrive together share one flush.</para>
/// <para><b>Fails closed.</b> An append that cannot be made durable throws <see cref="AuditStoreException"/>, and so
/// does every append after it: the store stops rather than leave a gap, and the caller (the review gate) leaves the
/// case pending or blocked, never executed. Reopen the store to check the trail and go on.</para>
/// <para><b>Checked on open.</b> Opening reads the whole file, checks the chain and continues the numbering.
/// A last line cut off by a crash (no line end, or not a record) is a <i>torn tail</i>: <see cref="VerifyAsync"/>
/// reports it (<see cref="AuditVerification.TornTail"/>), the records before it stay readable and verified, and
/// appends are refused until <see cref="RepairTornTailAsync"/> is called by a person. The repair keeps the torn bytes
/// (in a file beside the trail and, up to 64 KiB, in the record), cuts only them off, and appends a
/// <see cref="ActKind.Corrected"/> record that says so. Any other break (a changed, missing or reordered record)
/// leaves the store read-only: keep the file as evidence and start a new trail.</para>
/// <para><b>Append-only.</b> There is no API to change or delete a record; a correction is a new record with
/// <see cref="ActKind.Corrected"/> and <see cref="AuditEntry.Supersedes"/> set to the record it corrects.</para>
/// <para><b>One writer.</b> The store holds an OS lock on the data file itself while open (on Linux an
/// open-file-description lock, on Windows the file's sharing mode), so a second store on the same file, in this process
/// or another, through the same path, a relative path, a symbolic link or a hard link, fails to open instead of
/// forking the chain. There is no separate lock file to delete. Readers (<see cref="VerifyFile(string)"/>, a CLI) can
/// read the trail at any time. The lock is advisory toward programs that do not ask for it, and on a network file
/// system only as good as the server's lock support (see docs/security.md).</para>
/// </remarks>
/// <example>
/// <code>
/// await using var audit = JsonLinesAuditStore.Open("audit.jsonl");
/// var record = await audit.AppendAsync(new AuditEntry { Act = ActKind.Approved, CaseId = "c-42", At = time.GetUtcNow(), Actor = "ana" });
/// var check = await audit.VerifyAsync();
/// </code>
/// </example>
public sealed class JsonLinesAuditStore : IAuditStore, IAsyncDisposable, IDisposable
{
    /// <summary>The case id of the records a torn-tail repair writes.</summary>
    public const string RepairCaseId = "audit-trail";

    /// <summary>The reason code of the records a torn-tail repair writes.</summary>
    public const string TornTailRepairedReasonCode = "torn-tail-repaired";

    private const int TornBytesInRecordLimit = 64 * 1024;

    private readonly TimeProvider _time;
    private readonly IDisposable _writerLock;
    private readonly FileStream _data;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _maxGroup;
    private readonly AuditKeyRing? _keys;
    private readonly int _maxLine;
    private readonly string _auditorRole;
    private readonly Task _writer;
    private volatile Head _head;
    private volatile StoreState _state;
    private readonly AuditVerification? _openProblem;
    private Exception? _fault;
    private int _disposed;

    /// <summary>
    /// Opens (or creates) the trail file the options name: the constructor a dependency injection container calls when
    /// the store is registered by type (<c>AddAuditStore&lt;JsonLinesAuditStore&gt;()</c>, with
    /// <c>services.Configure&lt;JsonLinesAuditStoreOptions&gt;(...)</c>). The file is opened when the container first
    /// makes the store, not when it is registered.
    /// </summary>
    /// <param name="options">The file and how to write it.</param>
    /// <param name="timeProvider">The clock that stamps the store's own records (a torn-tail repair); the system clock when omitted.</param>
    /// <exception cref="ArgumentException">An option is not valid (the message names it and its value).</exception>
    /// <exception cref="AuditStoreException">The file is open in another store, or cannot be opened.</exception>
    public JsonLinesAuditStore(Microsoft.Extensions.Options.IOptions<JsonLinesAuditStoreOptions> options, TimeProvider? timeProvider = null)
        : this(OpenFiles(options), timeProvider)
    {
    }

    private JsonLinesAuditStore(OpenedFiles files, TimeProvider? timeProvider)
    {
        _time = timeProvider ?? TimeProvider.System;
        var (path, writerLock, data, scan, maxGroup) = files;
        _keys = files.Keys;
        _maxLine = files.MaxLine;
        _auditorRole = files.AuditorRole;
        Path = path;
        _writerLock = writerLock;
        _data = data;
        _maxGroup = maxGroup;
        var verification = scan.Verification;
        if (verification.IsIntact)
        {
            _state = StoreState.Open;
            _head = new Head(scan.LastSequence, scan.LastHash, scan.IntactLength);
            _data.Position = scan.IntactLength;
        }
        else
        {
            _state = verification.TornTail ? StoreState.TornTail : StoreState.Broken;
            _openProblem = verification;
            _head = new Head(scan.LastSequence, scan.LastHash, verification.TornTail ? scan.IntactLength : data.Length);
        }

        _writer = Task.Run(WriteLoopAsync);
    }

    private enum StoreState
    {
        Open,
        TornTail,
        Broken,
        Faulted,
    }

    /// <summary>The trail file's full path.</summary>
    public string Path { get; }

    /// <summary>The sequence number of the last durable record (0 when the trail is empty).</summary>
    public long LastSequence => _head.Sequence;

    /// <summary>The hash of the last durable record (<see cref="AuditChain.GenesisHash"/> when empty): keep it elsewhere to anchor the trail.</summary>
    public string LastHash => _head.Hash;

    /// <summary>Opens (or creates) a trail file, one flush per record.</summary>
    /// <param name="path">The trail file.</param>
    /// <param name="timeProvider">The clock that stamps the store's own records (a torn-tail repair); the system clock when omitted.</param>
    /// <returns>The store; check <see cref="VerifyAsync"/> for a torn tail or a break found on opening.</returns>
    /// <exception cref="AuditStoreException">The file is open in another store, or cannot be opened.</exception>
    public static JsonLinesAuditStore Open(string path, TimeProvider? timeProvider = null) =>
        Open(new JsonLinesAuditStoreOptions { Path = path }, timeProvider);

    /// <summary>Opens (or creates) a trail file.</summary>
    /// <param name="options">The file and how to write it.</param>
    /// <param name="timeProvider">The clock that stamps the store's own records (a torn-tail repair); the system clock when omitted.</param>
    /// <returns>The store; check <see cref="VerifyAsync"/> for a torn tail or a break found on opening.</returns>
    /// <exception cref="ArgumentException">An option is not valid (the message names it and its value).</exception>
    /// <exception cref="AuditStoreException">The file is open in another store, or cannot be opened.</exception>
    public static JsonLinesAuditStore Open(JsonLinesAuditStoreOptions options, TimeProvider? timeProvider = null)
    {
        var opening = OpenCoreAsync(options, timeProvider, synchronous: true, CancellationToken.None);
        return opening.IsCompleted ? opening.Result : opening.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Opens (or creates) a trail file, reading it asynchronously.</summary>
    /// <param name="options">The file and how to write it.</param>
    /// <param name="timeProvider">The clock that stamps the store's own records (a torn-tail repair); the system clock when omitted.</param>
    /// <param name="cancellationToken">Cancels the opening check.</param>
    /// <returns>The store; check <see cref="VerifyAsync"/> for a torn tail or a break found on opening.</returns>
    /// <exception cref="ArgumentException">An option is not valid (the message names it and its value).</exception>
    /// <exception cref="AuditStoreException">The file is open in another store, or cannot be opened.</exception>
    public static ValueTask<JsonLinesAuditStore> OpenAsync(
        JsonLinesAuditStoreOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
        OpenCoreAsync(options, timeProvider, synchronous: false, cancellationToken);

    /// <summary>Checks a trail file without opening a store on it (a CLI's <c>hitl audit verify AUDIT.jsonl</c>).</summary>
    /// <param name="path">The trail file.</param>
    /// <returns>The result, with the first broken record's sequence and line.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static AuditVerification VerifyFile(string path)
    {
        var checking = VerifyFileCoreAsync(path, synchronous: true, CancellationToken.None);
        return checking.IsCompleted ? checking.Result : checking.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Checks a trail file without opening a store on it, reading asynchronously.</summary>
    /// <param name="path">The trail file.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The result, with the first broken record's sequence and line.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static ValueTask<AuditVerification> VerifyFileAsync(string path, CancellationToken cancellationToken = default) =>
        VerifyFileCoreAsync(path, synchronous: false, cancellationToken);

    /// <summary>
    /// Checks a trail file with its keys and, when given, against a checkpoint kept elsewhere: every keyed record's
    /// MAC, no unkeyed record where the ring does not allow one, and that the trail reaches the checkpoint unchanged
    /// (records cut off the end are found only this way).
    /// </summary>
    /// <param name="path">The trail file.</param>
    /// <param name="keys">The key ring; <see langword="null"/> checks links and plain hashes only (keyed records are counted in <see cref="AuditVerification.UncheckedMacs"/>).</param>
    /// <param name="checkpoint">A checkpoint from <see cref="CreateCheckpoint"/>, or <see langword="null"/>.</param>
    /// <returns>The result, naming the first record that fails and why.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static AuditVerification VerifyFile(string path, AuditKeyRing? keys, AuditCheckpoint? checkpoint = null)
    {
        var checking = VerifyFileCoreAsync(path, new AuditTrailScan.Settings(keys, checkpoint, AuditLineReader.DefaultMaxLineLength), synchronous: true, CancellationToken.None);
        return checking.IsCompleted ? checking.Result : checking.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Checks a trail file with its keys and a checkpoint, reading asynchronously; see <see cref="VerifyFile(string, AuditKeyRing?, AuditCheckpoint?)"/>.</summary>
    /// <param name="path">The trail file.</param>
    /// <param name="keys">The key ring, or <see langword="null"/>.</param>
    /// <param name="checkpoint">A checkpoint, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The result.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static ValueTask<AuditVerification> VerifyFileAsync(string path, AuditKeyRing? keys, AuditCheckpoint? checkpoint = null, CancellationToken cancellationToken = default) =>
        VerifyFileCoreAsync(path, new AuditTrailScan.Settings(keys, checkpoint, AuditLineReader.DefaultMaxLineLength), synchronous: false, cancellationToken);

    /// <summary>
    /// A checkpoint of the durable head (last sequence and hash), stamped by the store's clock and signed with the
    /// active key of a keyed trail. Write its <see cref="AuditCheckpoint.ToJson"/> somewhere the trail's writer cannot
    /// rewrite; <c>hitl audit verify --checkpoint</c> then finds records cut off the end.
    /// </summary>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public AuditCheckpoint CreateCheckpoint()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var head = _head;
        return AuditCheckpoint.Create(head.Sequence, head.Hash, _time.GetUtcNow(), _keys);
    }

    /// <summary>The key id new records are signed with; <see langword="null"/> for an unkeyed trail.</summary>
    public string? ActiveKeyId => _keys?.Active.Id;

    /// <summary>
    /// Reads a trail file's records without opening a store on it: no lock is taken, so a reader (a CLI's
    /// <c>hitl audit stats</c>) can read a trail a host is writing. Stops before a torn tail. The chain is not checked:
    /// call <see cref="VerifyFile(string)"/> first and read only the <see cref="AuditVerification.RecordCount"/> intact records.
    /// </summary>
    /// <param name="path">The trail file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records in file order.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="AuditStoreException">A line before the last is not a record; the message names the line.</exception>
    public static async IAsyncEnumerable<AuditRecord> ReadFileAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = OpenForReading(path);
        using var reader = new AuditLineReader(stream, long.MaxValue);
        while (await reader.ReadLineAsync(synchronous: false, cancellationToken).ConfigureAwait(false))
        {
            if (!reader.Terminated)
            {
                yield break;
            }

            if (!AuditJsonLine.TryParse(reader.Line.Span, checkCanonical: false, out var parsed, out var problem))
            {
                if (!await reader.HasMoreAsync(synchronous: false, cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }

                throw new AuditStoreException($"Line {reader.LineNumber} of the audit trail '{path}' is {problem}; VerifyFile tells where the trail breaks.");
            }

            yield return parsed.Record;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The entry is not valid (the message names the field and the value).</exception>
    /// <exception cref="AuditStoreException">The record could not be made durable, or the trail is torn, broken or stopped after an earlier failure.</exception>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public async ValueTask<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfCannotAppend();
        AuditEntryRules.Validate(entry, _head.Sequence);
        var frozen = AuditEntryRules.Freeze(entry);
        var entryJson = AuditChain.SerializeEntry(frozen);
        var lineLength = AuditChain.EnvelopeLength(entryJson.Length, withHash: true, _keys?.Active.Id);
        if (lineLength > _maxLine)
        {
            throw new ArgumentException(
                $"The AuditEntry for case '{entry.CaseId}' takes {entryJson.Length} bytes in canonical JSON; a record's line may take at most {_maxLine} bytes. Record large content elsewhere and its digest here.",
                nameof(entry));
        }

        return await EnqueueAsync(new Pending(frozen, entryJson, null), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Repairs a torn tail found on opening: keeps the torn bytes in <c>&lt;path&gt;.torn-&lt;offset&gt;</c> (flushed
    /// first), cuts them off the trail, and appends a <see cref="ActKind.Corrected"/> record (case
    /// <see cref="RepairCaseId"/>, reason code <see cref="TornTailRepairedReasonCode"/>) that names who repaired it,
    /// why, and the torn bytes' line, offset, length, SHA-256 and copy (and the bytes themselves in base64 up to 64 KiB).
    /// The torn bytes never became a record, so the correction has no <see cref="AuditEntry.Supersedes"/>.
    /// Appends are accepted again once it completes.
    /// </summary>
    /// <param name="actorId">Who repairs the trail: a person the host's reviewer directory knows, holding the auditor role (<see cref="JsonLinesAuditStoreOptions.AuditorRole"/>).</param>
    /// <param name="directory">The host's reviewer directory, which says who holds which role; never what the caller claims.</param>
    /// <param name="reason">Why, in the actor's words.</param>
    /// <param name="cancellationToken">Cancels the wait (not a repair that already began).</param>
    /// <returns>The correction record, naming the auditor, their role and tier.</returns>
    /// <exception cref="ReviewException">The actor is unknown to the directory (<see cref="ReviewErrorCode.UnknownReviewer"/>) or does not hold the auditor role (<see cref="ReviewErrorCode.MissingRole"/>); nothing is changed.</exception>
    /// <exception cref="InvalidOperationException">The trail has no torn tail.</exception>
    /// <exception cref="AuditStoreException">The repair could not be made durable; the store stops.</exception>
    /// <remarks>
    /// Store maintenance changes the file, so it is a person's accountable act: only an auditor may do it, and the
    /// correction record it appends says who, in which role and tier, and why. The repair record is stamped by the
    /// store's clock (the <see cref="TimeProvider"/> it was opened with). The torn bytes are copied in fixed-size steps,
    /// so a torn tail of any size (an endless line appended by a fault or an attacker) is repaired in bounded memory.
    /// </remarks>
    public async ValueTask<AuditRecord> RepairTornTailAsync(string actorId, IReviewerDirectory directory, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var auditor = await directory.FindAsync(actorId, cancellationToken).ConfigureAwait(false)
            ?? throw new ReviewException(
                ReviewErrorCode.UnknownReviewer,
                RepairCaseId,
                actorId,
                $"'{actorId}' is not in the reviewer directory: only a known person holding the role '{_auditorRole}' may repair the audit trail '{Path}'.");
        if (!auditor.HasRole(_auditorRole))
        {
            throw new ReviewException(
                ReviewErrorCode.MissingRole,
                RepairCaseId,
                actorId,
                $"'{actorId}' does not hold the role '{_auditorRole}' (holds: {string.Join(", ", auditor.Roles.Order(StringComparer.Ordinal))}): only an auditor may repair the audit trail '{Path}'.");
        }

        var at = _time.GetUtcNow();
        if (_state != StoreState.TornTail)
        {
            throw new InvalidOperationException($"The audit trail '{Path}' has no torn tail to repair ({DescribeState()}).");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return await EnqueueAsync(new Pending(null, null, new RepairRequest(auditor.Id, _auditorRole, auditor.Tier, reason, at)), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads the durable records from the file as stored, without checking the chain (use <see cref="VerifyAsync"/>).
    /// A torn tail is not returned. A line that is not a record throws <see cref="AuditStoreException"/> naming it.
    /// </remarks>
    public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequence, 1);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);

        // Up to the torn tail or a break, record N sits on line N, so lines before the first wanted one need no parsing.
        var lineIsSequence = _state != StoreState.Broken;
        var limit = _head.Length;
        using var stream = OpenForReading(Path);
        using var reader = new AuditLineReader(stream, limit, _maxLine);
        while (await reader.ReadLineAsync(synchronous: false, cancellationToken).ConfigureAwait(false))
        {
            if (!reader.Terminated)
            {
                yield break;
            }

            if (lineIsSequence && reader.LineNumber < fromSequence)
            {
                continue;
            }

            if (!AuditJsonLine.TryParse(reader.Line.Span, checkCanonical: false, out var parsed, out var problem))
            {
                throw new AuditStoreException($"Line {reader.LineNumber} of the audit trail '{Path}' is {problem}; VerifyAsync tells where the trail breaks.");
            }

            if (parsed.Record.Sequence >= fromSequence)
            {
                yield return parsed.Record;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads the file again, so a change made on disk since opening is found. Besides the chain it checks that the
    /// file still ends with the last record this store wrote (records cut off the end are otherwise invisible).
    /// </remarks>
    public async ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var state = _state;
        var head = _head;

        // While open only durable bytes are read: a line being written is not a torn tail.
        var limit = state == StoreState.Open ? head.Length : long.MaxValue;
        AuditTrailScan.Result scan;
        using (var stream = OpenForReading(Path))
        {
            scan = await AuditTrailScan.RunAsync(stream, limit, new AuditTrailScan.Settings(_keys, null, _maxLine), synchronous: false, cancellationToken).ConfigureAwait(false);
        }

        if (state == StoreState.Open && scan.Verification.IsIntact
            && (scan.LastSequence != head.Sequence || !string.Equals(scan.LastHash, head.Hash, StringComparison.Ordinal)))
        {
            var next = scan.LastSequence + 1;
            return new AuditVerification(
                false,
                scan.LastSequence,
                next,
                (int)Math.Min(next, int.MaxValue),
                $"line {next}: the file ends at sequence {scan.LastSequence}, but this store wrote {head.Sequence} records ending in hash '{head.Hash}': records were removed or the file was replaced while the store was open.",
                TornTail: false);
        }

        return scan.Verification;
    }

    /// <summary>Waits for queued appends to be written, then closes the file and releases the lock.</summary>
    /// <returns>A task that completes when closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _writerLock.Dispose();
        await _data.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Waits for queued appends to be written, then closes the file and releases the lock.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
        _writerLock.Dispose();
        _data.Dispose();
    }

    private static async ValueTask<JsonLinesAuditStore> OpenCoreAsync(
        JsonLinesAuditStoreOptions options, TimeProvider? timeProvider, bool synchronous, CancellationToken cancellationToken) =>
        new(await OpenFilesAsync(options, synchronous, cancellationToken).ConfigureAwait(false), timeProvider);

    private static OpenedFiles OpenFiles(Microsoft.Extensions.Options.IOptions<JsonLinesAuditStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var opening = OpenFilesAsync(options.Value, synchronous: true, CancellationToken.None);
        return opening.IsCompleted ? opening.Result : opening.AsTask().GetAwaiter().GetResult();
    }

    private static async ValueTask<OpenedFiles> OpenFilesAsync(JsonLinesAuditStoreOptions options, bool synchronous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new ArgumentException($"JsonLinesAuditStoreOptions.Path is required, found '{options.Path}'.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.AuditorRole))
        {
            throw new ArgumentException($"JsonLinesAuditStoreOptions.AuditorRole is required, found '{options.AuditorRole}'.", nameof(options));
        }

        if (options.GroupCommitMaxRecords < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                options.GroupCommitMaxRecords,
                $"JsonLinesAuditStoreOptions.GroupCommitMaxRecords must be at least 1, found {options.GroupCommitMaxRecords}.");
        }

        var keys = options.ResolveKeys();
        var maxLine = options.MaxLineLength;
        var path = System.IO.Path.GetFullPath(options.Path);
        FileStream? data = null;
        IDisposable? writerLock = null;
        try
        {
            try
            {
                data = options.OpenDataFile?.Invoke(path)
                    ?? new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
            }
            catch (DirectoryNotFoundException ex)
            {
                throw new AuditStoreException($"Could not open the audit trail '{path}': its directory does not exist.", ex);
            }
            catch (IOException ex) when (OperatingSystem.IsWindows() && (ex.HResult & 0xFFFF) is 32 or 33)
            {
                // ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION: another handle with write access holds the file.
                throw LockRefused(path, ex);
            }

            try
            {
                writerLock = TrailFileLock.Acquire(data);
            }
            catch (IOException ex)
            {
                throw LockRefused(path, ex);
            }

            var scan = await AuditTrailScan.RunAsync(data, long.MaxValue, new AuditTrailScan.Settings(keys, null, maxLine), synchronous, cancellationToken).ConfigureAwait(false);
            if (keys is null && scan.FirstKeyId is not null)
            {
                // Appending plain-hash records after keyed ones would downgrade the trail; without the key nothing can be checked.
                throw new AuditStoreException(
                    $"The audit trail '{path}' is keyed (its records are signed with key '{scan.FirstKeyId}'), but the store was opened without keys: give the key ring (JsonLinesAuditStoreOptions.Keys or KeyRing) to open it.");
            }

            return new OpenedFiles(path, writerLock, data, scan, options.GroupCommit ? options.GroupCommitMaxRecords : 1) { Keys = keys, MaxLine = maxLine, AuditorRole = options.AuditorRole };
        }
        catch (Exception ex)
        {
            writerLock?.Dispose();
            if (data is not null)
            {
                await data.DisposeAsync().ConfigureAwait(false);
            }

            if (ex is IOException or UnauthorizedAccessException)
            {
                throw new AuditStoreException($"Could not open the audit trail '{path}': {ex.Message}", ex);
            }

            throw;
        }
    }

    private static AuditStoreException LockRefused(string path, IOException cause) => new(
        $"Could not take the lock of the audit trail '{path}' ({cause.Message}): is it open in another store or process? The lock is on the file itself, whatever name (link, relative path) reaches it; one writer per trail keeps the chain linear.",
        cause);

    private sealed record OpenedFiles(string Path, IDisposable WriterLock, FileStream Data, AuditTrailScan.Result Scan, int MaxGroup)
    {
        public AuditKeyRing? Keys { get; init; }

        public int MaxLine { get; init; }

        public string AuditorRole { get; init; } = JsonLinesAuditStoreOptions.DefaultAuditorRole;
    }

    private static ValueTask<AuditVerification> VerifyFileCoreAsync(string path, bool synchronous, CancellationToken cancellationToken) =>
        VerifyFileCoreAsync(path, new AuditTrailScan.Settings(null, null, AuditLineReader.DefaultMaxLineLength), synchronous, cancellationToken);

    /// <summary>Checks a trail file with the given settings (tests give a small line limit).</summary>
    internal static async ValueTask<AuditVerification> VerifyFileCoreAsync(string path, AuditTrailScan.Settings settings, bool synchronous, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = OpenForReading(path);
        var scan = await AuditTrailScan.RunAsync(stream, long.MaxValue, settings, synchronous, cancellationToken).ConfigureAwait(false);
        return scan.Verification;
    }

    private static FileStream OpenForReading(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    private async ValueTask<AuditRecord> EnqueueAsync(Pending pending, CancellationToken cancellationToken)
    {
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(JsonLinesAuditStore), $"The audit store for '{Path}' was disposed.");
        }

        try
        {
            return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Not yet taken by the writer: it never will be. Already taken: it is written, only the wait ends.
            pending.TryAbandon();
            throw;
        }
    }

    private void ThrowIfCannotAppend()
    {
        var refusal = CannotAppend();
        if (refusal is not null)
        {
            throw refusal;
        }
    }

    private AuditStoreException? CannotAppend() => _state switch
    {
        StoreState.Open => null,
        StoreState.TornTail => new AuditStoreException(
            $"The audit trail '{Path}' ends in a torn record: {_openProblem!.Problem} The {_openProblem.RecordCount} records before it are intact. Appends are refused until RepairTornTailAsync keeps the torn bytes, cuts them off and records the repair.",
            _openProblem),
        StoreState.Broken => new AuditStoreException(
            $"The audit trail '{Path}' is broken: {_openProblem!.Problem} Appends are refused: keep the file as evidence and start a new trail.",
            _openProblem),
        _ => new AuditStoreException(
            $"The audit store for '{Path}' stopped after a write that could not be made durable ({_fault?.Message}). Appends are refused; reopen the store to check the trail.",
            _fault),
    };

    private string DescribeState() => _state switch
    {
        StoreState.Open => "it is intact",
        StoreState.Broken => $"it is broken, which a repair cannot mend: {_openProblem?.Problem}",
        StoreState.Faulted => "the store stopped after a failed write; reopen it",
        _ => "it was already repaired",
    };

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(Math.Min(_maxGroup, 1024));
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxGroup && reader.TryPeek(out var next))
            {
                // A repair goes alone: it truncates before it writes.
                if (next.Repair is not null && batch.Count > 0)
                {
                    break;
                }

                reader.TryRead(out _);
                if (next.TryTake())
                {
                    batch.Add(next);
                    if (next.Repair is not null)
                    {
                        break;
                    }
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            buffer.ResetWrittenCount();
            if (batch[0].Repair is { } repair)
            {
                Repair(batch[0], repair, buffer);
            }
            else
            {
                Write(batch, buffer);
            }
        }
    }

    private void Write(List<Pending> batch, ArrayBufferWriter<byte> buffer)
    {
        var refusal = CannotAppend();
        if (refusal is not null)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(refusal);
            }

            return;
        }

        var head = _head;
        var sequence = head.Sequence;
        var previous = head.Hash;
        var records = new AuditRecord[batch.Count];
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var pending = batch[i];
                sequence++;
                var hash = AuditChain.ComputeHash(sequence, previous, _keys?.Active, pending.EntryJson);
                AuditJsonLine.Write(buffer, sequence, previous, _keys?.Active.Id, hash, pending.EntryJson);
                records[i] = new AuditRecord(sequence, pending.Entry!, previous, hash) { KeyId = _keys?.Active.Id };
                previous = hash;
            }

            _data.Write(buffer.WrittenSpan);
            _data.Flush(flushToDisk: true);
        }
        catch (Exception ex)
        {
            var error = Fault(ex, $"Records {head.Sequence + 1} to {sequence} could not be made durable in the audit trail '{Path}' ({ex.Message}); none was acknowledged.");
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(error);
            }

            return;
        }

        _head = new Head(sequence, previous, head.Length + buffer.WrittenCount);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(records[i]);
        }
    }

    private void Repair(Pending pending, RepairRequest request, ArrayBufferWriter<byte> buffer)
    {
        if (_state != StoreState.TornTail)
        {
            pending.Completion.TrySetException(new InvalidOperationException($"The audit trail '{Path}' has no torn tail to repair ({DescribeState()})."));
            return;
        }

        var head = _head;
        var truncated = false;
        try
        {
            var (copy, tornLength, tornSha256, tornSmall) = KeepTornCopy(head.Length);
            var data = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["tornLine"] = (_openProblem!.FirstBrokenLine ?? 0).ToString(CultureInfo.InvariantCulture),
                ["tornOffset"] = head.Length.ToString(CultureInfo.InvariantCulture),
                ["tornLength"] = tornLength.ToString(CultureInfo.InvariantCulture),
                ["tornSha256"] = tornSha256,
                ["tornCopy"] = System.IO.Path.GetFileName(copy),
            };
            if (tornSmall is not null)
            {
                data["tornBase64"] = Convert.ToBase64String(tornSmall);
            }

            var entry = new AuditEntry
            {
                Act = ActKind.Corrected,
                CaseId = RepairCaseId,
                At = request.At,
                Actor = request.Actor,
                ActorRole = request.Role,
                ActorTier = request.Tier,
                ReasonCode = TornTailRepairedReasonCode,
                Reason = request.Reason,
                Data = data.AsReadOnly(),
            };
            AuditEntryRules.Validate(entry, head.Sequence, tornTailRepair: true);
            var entryJson = AuditChain.SerializeEntry(entry);
            var sequence = head.Sequence + 1;
            var hash = AuditChain.ComputeHash(sequence, head.Hash, _keys?.Active, entryJson);
            AuditJsonLine.Write(buffer, sequence, head.Hash, _keys?.Active.Id, hash, entryJson);

            truncated = true;
            _data.SetLength(head.Length);
            _data.Position = head.Length;
            _data.Write(buffer.WrittenSpan);
            _data.Flush(flushToDisk: true);
            _head = new Head(sequence, hash, head.Length + buffer.WrittenCount);
            _state = StoreState.Open;
            pending.Completion.TrySetResult(new AuditRecord(sequence, entry, head.Hash, hash) { KeyId = _keys?.Active.Id });
        }
        catch (Exception ex) when (!truncated && ex is ArgumentException)
        {
            pending.Completion.TrySetException(ex);
        }
        catch (Exception ex)
        {
            pending.Completion.TrySetException(truncated
                ? Fault(ex, $"The torn tail of the audit trail '{Path}' was cut off but its repair record could not be made durable ({ex.Message}); the torn bytes are kept beside the trail.")
                : new AuditStoreException($"The torn tail of the audit trail '{Path}' could not be repaired ({ex.Message}); nothing was changed.", ex));
        }
    }

    /// <summary>
    /// Copies the torn bytes (from <paramref name="offset"/> to the end of the file) into a new file beside the trail,
    /// in fixed-size steps so that a torn tail of any size needs no more memory than one step, and flushes it.
    /// </summary>
    /// <returns>The copy's path, the bytes' length and SHA-256, and the bytes themselves when they fit in a record.</returns>
    private (string Copy, long Length, string Sha256, byte[]? Small) KeepTornCopy(long offset)
    {
        for (var attempt = 1; ; attempt++)
        {
            var copy = FormattableString.Invariant($"{Path}.torn-{offset}{(attempt == 1 ? string.Empty : "-" + attempt)}");
            FileStream stream;
            try
            {
                stream = new FileStream(copy, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            }
            catch (IOException) when (File.Exists(copy) && attempt < 100)
            {
                continue;
            }

            using (stream)
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var chunk = ArrayPool<byte>.Shared.Rent(1024 * 1024);
                try
                {
                    _data.Position = offset;
                    long length = 0;
                    int read;
                    while ((read = _data.Read(chunk, 0, chunk.Length)) > 0)
                    {
                        stream.Write(chunk, 0, read);
                        sha.AppendData(chunk, 0, read);
                        length += read;
                    }

                    stream.Flush(flushToDisk: true);
                    byte[]? small = null;
                    if (length <= TornBytesInRecordLimit)
                    {
                        small = new byte[length];
                        _data.Position = offset;
                        _data.ReadExactly(small);
                    }

                    return (copy, length, Convert.ToHexStringLower(sha.GetHashAndReset()), small);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                }
            }
        }
    }

    private AuditStoreException Fault(Exception cause, string message)
    {
        _fault = cause;
        _state = StoreState.Faulted;
        return new AuditStoreException(message + " The store refuses further appends; reopen it to check the trail.", cause);
    }

    private sealed record Head(long Sequence, string Hash, long Length);

    private sealed record RepairRequest(string Actor, string Role, string Tier, string Reason, DateTimeOffset At);

    /// <summary>An append (or a repair) waiting for the writer.</summary>
    private sealed class Pending(AuditEntry? entry, byte[]? entryJson, RepairRequest? repair)
    {
        private int _claim;

        public AuditEntry? Entry { get; } = entry;

        public byte[] EntryJson { get; } = entryJson ?? [];

        public RepairRequest? Repair { get; } = repair;

        public TaskCompletionSource<AuditRecord> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The writer claims it; fails when the caller stopped waiting first.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _claim, 1, 0) == 0;

        /// <summary>The caller stops waiting; the writer then skips it, unless it already took it.</summary>
        public void TryAbandon()
        {
            if (Interlocked.CompareExchange(ref _claim, 2, 0) == 0)
            {
                Completion.TrySetCanceled();
            }
        }
    }
}
