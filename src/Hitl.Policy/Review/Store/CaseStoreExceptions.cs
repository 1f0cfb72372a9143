namespace Hitl.Policy.Review;

/// <summary>
/// A commit lost a race: the case changed since it was read (another reviewer, another gate, another instance), or a
/// case to create exists already. Nothing was written; read the case again and decide again.
/// </summary>
public sealed class CaseConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="caseId">The case.</param>
    /// <param name="expectedVersion">The version the commit was made from (0 to create).</param>
    /// <param name="actualVersion">The version the store holds (<see langword="null"/> when the case is gone).</param>
    public CaseConflictException(string caseId, long expectedVersion, long? actualVersion)
        : base(expectedVersion == 0
            ? $"Case '{caseId}' exists already (version {actualVersion}); nothing was written. Give each model output its own case id."
            : $"Case '{caseId}' changed since it was read: the commit was made from version {expectedVersion}, the store holds " +
              (actualVersion is { } v ? $"version {v}" : "no such case (it was purged)") + "; nothing was written. Read it again and act again.")
    {
        CaseId = caseId;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>The case.</summary>
    public string CaseId { get; }

    /// <summary>The version the commit was made from (0 to create).</summary>
    public long ExpectedVersion { get; }

    /// <summary>The version the store holds, or <see langword="null"/> when the case is not there.</summary>
    public long? ActualVersion { get; }
}

/// <summary>
/// A case store could not read or write: the file is locked, corrupt, read-only or from a newer version, the database
/// is down. The message names the store (its file or server) and the cause. A failed write wrote nothing.
/// </summary>
public sealed class CaseStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, naming the store.</param>
    public CaseStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, naming the store.</param>
    /// <param name="innerException">The cause.</param>
    public CaseStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Whether the write may have taken effect after all: the connection broke while the commit was on its way, so the
    /// store cannot tell. The caller must read the case again before it acts on the outcome. <see langword="false"/>
    /// when nothing was written.
    /// </summary>
    public bool MayHaveBeenWritten { get; init; }
}
