namespace Hitl.Policy.Audit;

/// <summary>
/// The keys of a keyed audit trail: one active key signs new records and checkpoints; every key in the ring verifies
/// the records that name it. Rotation: make a new key active and keep the old ones here.
/// </summary>
/// <example>
/// <code>
/// var keys = new AuditKeyRing(AuditKey.FromBase64("2026-12", newSecret), AuditKey.FromBase64("2026-06", oldSecret));
/// await using var audit = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = "audit.jsonl", KeyRing = keys });
/// </code>
/// </example>
public sealed class AuditKeyRing
{
    private readonly Dictionary<string, AuditKey> _byId = new(StringComparer.Ordinal);

    /// <summary>Creates a ring.</summary>
    /// <param name="active">The key that signs new records.</param>
    /// <param name="older">Keys that only verify records they signed before.</param>
    /// <exception cref="ArgumentException">Two keys share an id.</exception>
    public AuditKeyRing(AuditKey active, params IEnumerable<AuditKey> older)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(older);
        Active = active;
        var keys = new List<AuditKey>();
        foreach (var key in older.Prepend(active))
        {
            ArgumentNullException.ThrowIfNull(key, nameof(older));
            if (!_byId.TryAdd(key.Id, key))
            {
                throw new ArgumentException($"The audit key id '{key.Id}' is given twice; every key of a ring needs its own id.", nameof(older));
            }

            keys.Add(key);
        }

        Keys = keys.AsReadOnly();
    }

    /// <summary>The key that signs new records and checkpoints.</summary>
    public AuditKey Active { get; }

    /// <summary>Every key, the active one first.</summary>
    public IReadOnlyList<AuditKey> Keys { get; }

    /// <summary>
    /// Whether records without a key id (plain SHA-256, the unkeyed mode) are accepted, as long as they all come
    /// before the first keyed record: for a trail begun without a key and continued with one. Those records are only
    /// as strong as a plain hash chain. Off by default: in a keyed trail an unkeyed record is a break.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowUnkeyedRecords { get; init; }

    /// <summary>Finds a key by id.</summary>
    /// <param name="keyId">The id a record names.</param>
    /// <returns>The key, or <see langword="null"/> when the ring has none by that id.</returns>
    public AuditKey? Find(string keyId) => _byId.GetValueOrDefault(keyId);

    /// <summary>The ids, for messages.</summary>
    internal string DescribeIds() => string.Join(", ", Keys.Select(k => "'" + k.Id + "'"));

    /// <summary>
    /// The ring that configuration describes (<see cref="AuditKeyOptions"/> entries and the active key's id), or
    /// <see langword="null"/> when no key is configured.
    /// </summary>
    /// <exception cref="ArgumentException">An entry is not valid; the message names it (<paramref name="what"/>, the index) and the value.</exception>
    internal static AuditKeyRing? FromOptions(IEnumerable<AuditKeyOptions>? entries, string? activeKeyId, bool allowUnkeyed, string what)
    {
        var list = entries?.ToList() ?? [];
        if (list.Count == 0)
        {
            if (!string.IsNullOrEmpty(activeKeyId))
            {
                throw new ArgumentException($"{what}.ActiveKeyId is '{activeKeyId}', but {what}.Keys is empty.");
            }

            return null;
        }

        var keys = new List<AuditKey>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var entry = list[i];
            if (entry is null)
            {
                throw new ArgumentException($"{what}.Keys[{i}] is null.");
            }

            try
            {
                keys.Add(AuditKey.FromBase64(entry.Id!, entry.Secret!));
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"{what}.Keys[{i}]: {ex.Message.Split(" (Parameter", 2)[0]}", ex);
            }
        }

        var activeId = string.IsNullOrEmpty(activeKeyId) ? keys[0].Id : activeKeyId;
        var active = keys.Find(k => k.Id == activeId)
            ?? throw new ArgumentException($"{what}.ActiveKeyId is '{activeKeyId}', which is not the id of any of {what}.Keys ({string.Join(", ", keys.Select(k => k.Id))}).");
        try
        {
            return new AuditKeyRing(active, keys.Where(k => !ReferenceEquals(k, active))) { AllowUnkeyedRecords = allowUnkeyed };
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{what}.Keys: {ex.Message.Split(" (Parameter", 2)[0]}", ex);
        }
    }
}

/// <summary>One key of a keyed trail as configuration holds it (for example under <c>Hitl:Audit:Keys</c> in appsettings).</summary>
public sealed class AuditKeyOptions
{
    /// <summary>The key's id, written on every record it signs: 1 to 64 letters, digits, '.', '_' or '-'.</summary>
    public string? Id { get; set; }

    /// <summary>The secret in base64: at least 32 random bytes. Keep it in a secret store, not in a checked-in file.</summary>
    public string? Secret { get; set; }
}
