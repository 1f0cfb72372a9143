namespace Hitl.Policy;

/// <summary>A policy could not be loaded or compiled. <see cref="Errors"/> lists every problem found, not only the first.</summary>
public sealed class PolicyValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PolicyValidationException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public PolicyValidationException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PolicyValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Creates the exception from the errors found.</summary>
    /// <param name="errors">The errors.</param>
    /// <param name="innerException">The cause, when a parser threw.</param>
    public PolicyValidationException(IReadOnlyList<PolicyError> errors, Exception? innerException = null)
        : base(Format(errors), innerException)
    {
        Errors = errors;
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<PolicyError> Errors { get; }

    private static string Format(IReadOnlyList<PolicyError> errors) =>
        errors.Count == 0
            ? "The policy is invalid."
            : $"The policy has {errors.Count} error{(errors.Count == 1 ? "" : "s")}:" + Environment.NewLine +
              string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
