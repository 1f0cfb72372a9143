namespace Hitl.Policy.Review;

/// <summary>The review gate refused a request, or could not carry it out. <see cref="Code"/> says why.</summary>
public sealed class ReviewException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReviewException()
        : this("The review gate refused the request.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ReviewException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ReviewException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a code.</summary>
    /// <param name="code">Why.</param>
    /// <param name="caseId">The case, when there is one.</param>
    /// <param name="actor">Who asked, when known.</param>
    /// <param name="message">What went wrong, naming the values involved.</param>
    /// <param name="innerException">The cause, when another component failed.</param>
    public ReviewException(ReviewErrorCode code, string? caseId, string? actor, string message, Exception? innerException = null)
        : base($"{message} [{code}]", innerException)
    {
        Code = code;
        CaseId = caseId;
        Actor = actor;
    }

    /// <summary>Why the request was refused.</summary>
    public ReviewErrorCode Code { get; }

    /// <summary>The case, when there is one.</summary>
    public string? CaseId { get; }

    /// <summary>Who asked, when known.</summary>
    public string? Actor { get; }
}
