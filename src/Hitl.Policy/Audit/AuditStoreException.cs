namespace Hitl.Policy.Audit;

/// <summary>
/// An audit store cannot record: a write could not be made durable, or the trail is broken or ends in a torn record.
/// The caller must not act as if the record were written: the review gate leaves the case pending or blocked.
/// </summary>
public sealed class AuditStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AuditStoreException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public AuditStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public AuditStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a trail whose check failed.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="verification">The check that failed.</param>
    public AuditStoreException(string message, AuditVerification verification)
        : base(message) => Verification = verification;

    /// <summary>The failed check of the trail, when that is the reason.</summary>
    public AuditVerification? Verification { get; }
}
