namespace Hitl.Policy.Audit;

/// <summary>Options of <see cref="JsonLinesAuditStore"/>.</summary>
public sealed class JsonLinesAuditStoreOptions
{
    /// <summary>The trail file: one JSON record per line. Created when missing (its directory must exist).</summary>
    /// <value>The default value is <see langword="null"/>; a path is required.</value>
    public string? Path { get; set; }

    /// <summary>
    /// Whether appends that arrive together share one flush to disk. Every append still completes only after its own
    /// record is on disk, so the guarantee is the same; the difference is throughput under parallel appends, and that a
    /// crash may leave several complete records whose appends were never acknowledged instead of at most one.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: one flush per record.</value>
    public bool GroupCommit { get; set; }

    /// <summary>With <see cref="GroupCommit"/>, the most records written and flushed together.</summary>
    /// <value>The default value is 256.</value>
    public int GroupCommitMaxRecords { get; set; } = 256;

    /// <summary>
    /// The keys of a keyed trail, as configuration holds them (bound from appsettings, for example
    /// <c>"Keys": [{ "Id": "2026-12", "Secret": "&lt;base64 of 32 random bytes&gt;" }]</c>). With a key every record's hash
    /// is an HMAC-SHA256 under the active key and carries its id; without one the trail is a plain SHA-256 chain (the
    /// weak mode: anyone who can write the file can rewrite it so that it verifies). See docs/security.md.
    /// </summary>
    /// <value>Empty by default: an unkeyed trail.</value>
    public IList<AuditKeyOptions> Keys { get; } = [];

    /// <summary>The id of the key in <see cref="Keys"/> that signs new records; the others only verify older ones.</summary>
    /// <value>The default value is <see langword="null"/>: the first of <see cref="Keys"/>.</value>
    public string? ActiveKeyId { get; set; }

    /// <summary>
    /// With a key, whether the trail may begin with unkeyed records (written before a key was configured). An unkeyed
    /// record after a keyed one is always a break. Those records are only as strong as a plain hash chain.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: in a keyed trail every record must be keyed.</value>
    public bool AllowUnkeyedRecords { get; set; }

    /// <summary>The keys, built in code; used instead of <see cref="Keys"/>, which must then be empty.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public AuditKeyRing? KeyRing { get; set; }

    /// <summary>The role a person must hold in the reviewer directory to maintain the trail (repair a torn tail): <c>auditor</c>.</summary>
    public const string DefaultAuditorRole = "auditor";

    /// <summary>
    /// The role a person must hold, in the host's <see cref="Review.IReviewerDirectory"/>, to maintain the trail
    /// (<see cref="JsonLinesAuditStore.RepairTornTailAsync"/>). Maintenance is recorded in the trail with who did it.
    /// </summary>
    /// <value>The default value is <see cref="DefaultAuditorRole"/>.</value>
    public string AuditorRole { get; set; } = DefaultAuditorRole;

    /// <summary>The longest line read or written (a record in canonical JSON); tests make it small.</summary>
    internal int MaxLineLength { get; set; } = AuditLineReader.DefaultMaxLineLength;

    /// <summary>The key ring the options describe, or <see langword="null"/> for an unkeyed trail.</summary>
    /// <exception cref="ArgumentException">A key is not valid, or both <see cref="KeyRing"/> and <see cref="Keys"/> are set; the message names the option and the value.</exception>
    internal AuditKeyRing? ResolveKeys()
    {
        if (KeyRing is not null)
        {
            if (Keys.Count > 0)
            {
                throw new ArgumentException("JsonLinesAuditStoreOptions.KeyRing and JsonLinesAuditStoreOptions.Keys are both set; give the keys one way.");
            }

            return AllowUnkeyedRecords && !KeyRing.AllowUnkeyedRecords
                ? new AuditKeyRing(KeyRing.Active, KeyRing.Keys.Skip(1)) { AllowUnkeyedRecords = true }
                : KeyRing;
        }

        return AuditKeyRing.FromOptions(Keys, ActiveKeyId, AllowUnkeyedRecords, "JsonLinesAuditStoreOptions");
    }

    /// <summary>Opens the data file; tests swap it to make writes fail.</summary>
    internal Func<string, FileStream>? OpenDataFile { get; set; }
}
