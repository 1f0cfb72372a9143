using System.Diagnostics;
using System.Reflection;

namespace Hitl.Policy.Sqlite.Tests.Support;

/// <summary>The second process: Hitl.Policy.SqliteCrashProbe, built with the tests.</summary>
internal static class Probe
{
    public static string PathToDll { get; } = typeof(Probe).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SqliteCrashProbe").Value!;

    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PathToDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The probe did not start.");
    }
}
