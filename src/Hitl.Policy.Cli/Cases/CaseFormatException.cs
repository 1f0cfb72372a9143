namespace Hitl.Policy.Cli.Cases;

/// <summary>A case could not be read: names the property (for example <c>fields['tool.name']</c>) and what is wrong.</summary>
internal sealed class CaseFormatException : Exception
{
    public CaseFormatException(string path, string problem)
        : base(path.Length == 0 ? problem : path + ": " + problem)
    {
        Path = path;
        Problem = problem;
    }

    public CaseFormatException()
        : this("", "The case is not valid.")
    {
    }

    public CaseFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = "";
        Problem = message;
    }

    /// <summary>Where in the case, empty for the case as a whole.</summary>
    public string Path { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }
}
