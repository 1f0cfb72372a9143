using System.Reflection;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.Cli.Tests;

/// <summary>Runs the hitl command tree in-process with captured output, and finds the repository's sample files.</summary>
internal static class Cli
{
    public static string RepositoryRoot { get; } = typeof(Cli).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static string Operations => Repo("samples/policies/operations.json");

    public static string FinancialPolicy => Repo("samples/Hitl.Policy.Samples.FinancialApprovals/financial-approvals.json");

    public static string FinancialTests => Repo("samples/Hitl.Policy.Samples.FinancialApprovals/TESTS.json");

    public static string AgentPolicy => Repo("samples/Hitl.Policy.Samples.AgentToolGate/agent-tool-gate.json");

    public static string AgentTests => Repo("samples/Hitl.Policy.Samples.AgentToolGate/TESTS.json");

    public static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);

    public static string Repo(string relative) => Path.Combine(RepositoryRoot, relative);

    public static Result Run(params string[] args) => RunWithInput("", args);

    public static Result RunWithInput(string input, params string[] args) => RunCore(input, null, args);

    /// <summary>Runs with the clock at <paramref name="now"/> (what "time left" is measured against).</summary>
    public static Result RunAt(DateTimeOffset now, params string[] args) => RunCore("", new FakeTimeProvider(now), args);

    private static Result RunCore(string input, TimeProvider? time, string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stdin = new StringReader(input);
        var io = new CommandIo(output, error, stdin);
        var exit = HitlApp.Run(args, time is null ? io : io with { Time = time });
        return new Result(exit, output.ToString(), error.ToString());
    }

    public sealed record Result(int Exit, string Out, string Error)
    {
        public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}\n--- stderr\n{Error}";
    }
}

/// <summary>A scratch folder for files a test writes; deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hitl-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
