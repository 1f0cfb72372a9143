using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Hitl.Policy.Tests.Naming;

/// <summary>
/// Writes throw-away SDK-style projects that consume the built Hitl.Policy.dll and builds them with the dotnet CLI
/// of the running runtime, for <see cref="ImplicitUsingsCompileTests"/>.
/// </summary>
internal static class ScratchProjects
{
    /// <summary>The dotnet root (the folder holding <c>dotnet</c>, <c>sdk/</c> and <c>shared/</c>) of the running runtime.</summary>
    public static string DotnetRoot { get; } =
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));

    /// <summary>Hitl.Policy.dll as built next to the test assembly.</summary>
    public static string LibraryPath { get; } = Path.Combine(AppContext.BaseDirectory, "Hitl.Policy.dll");

    /// <summary>
    /// The version the repository pins for Microsoft.Extensions.DependencyInjection in Directory.Packages.props (the
    /// Microsoft.Extensions packages move together, so it is also the Microsoft.Extensions.Hosting version to use).
    /// </summary>
    public static string PinnedExtensionsVersion()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("Directory.Packages.props not found above " + AppContext.BaseDirectory);
        }

        var props = Path.Combine(dir.FullName, "Directory.Packages.props");
        var version = XDocument.Load(props).Descendants("PackageVersion")
            .Where(e => string.Equals((string?)e.Attribute("Include"), "Microsoft.Extensions.DependencyInjection", StringComparison.OrdinalIgnoreCase))
            .Select(e => (string?)e.Attribute("Version"))
            .SingleOrDefault();
        return string.IsNullOrWhiteSpace(version)
            ? throw new InvalidOperationException("No version for Microsoft.Extensions.DependencyInjection in " + props)
            : version;
    }

    /// <summary>
    /// Writes <c>&lt;dir&gt;/&lt;name&gt;/&lt;name&gt;.csproj</c> and its Program.cs, and returns the project's path.
    /// The project treats warnings as errors, has implicit usings and nullable on, and references Hitl.Policy.dll.
    /// </summary>
    public static string Write(string dir, string name, string sdk, string programText, params (string Id, string Version)[] packages)
    {
        var projectDir = Path.Combine(dir, name);
        Directory.CreateDirectory(projectDir);

        var project = new XElement(
            "Project",
            new XAttribute("Sdk", sdk),
            new XElement(
                "PropertyGroup",
                new XElement("TargetFramework", "net10.0"),
                new XElement("OutputType", "Exe"),
                new XElement("ImplicitUsings", "enable"),
                new XElement("Nullable", "enable"),
                new XElement("TreatWarningsAsErrors", "true"),
                new XElement("ManagePackageVersionsCentrally", "false"),
                // Vulnerability advisories are not what this project checks; an advisory must not fail a naming test.
                new XElement("NuGetAudit", "false")),
            new XElement(
                "ItemGroup",
                new XElement("Reference", new XAttribute("Include", "Hitl.Policy"), new XElement("HintPath", LibraryPath)),
                packages.Select(p => new XElement("PackageReference", new XAttribute("Include", p.Id), new XAttribute("Version", p.Version)))));

        var path = Path.Combine(projectDir, name + ".csproj");
        File.WriteAllText(path, project.ToString());
        File.WriteAllText(Path.Combine(projectDir, "Program.cs"), programText);
        return path;
    }

    /// <summary>
    /// Runs <c>dotnet build &lt;project&gt; -c Release -nologo</c> and returns its exit code and everything it wrote to
    /// stdout and stderr. The build is killed (with its child processes) when it takes longer than
    /// <paramref name="timeout"/>; the exit code is then -1.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> BuildAsync(string project, TimeSpan timeout)
    {
        var exe = Path.Combine(DotnetRoot, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        var start = new ProcessStartInfo(File.Exists(exe) ? exe : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(project)!,
        };

        // No node reuse and no terminal logger: left-over MSBuild nodes would keep the output pipes open, and the
        // plain console logger prints the "0 Warning(s)" / "0 Error(s)" summary the test reads.
        foreach (var arg in new[] { "build", project, "-c", "Release", "-nologo", "-nodeReuse:false", "-tl:off" })
        {
            start.ArgumentList.Add(arg);
        }

        // What the outer `dotnet test` set for its own MSBuild must not pick the SDK of the scratch build.
        foreach (var inherited in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly", "_MSBUILDTLENABLED" })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";

        var output = new StringBuilder();
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cancel = new CancellationTokenSource(timeout);
        int exitCode;
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            exitCode = process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(30));
            Append(string.Create(CultureInfo.InvariantCulture, $"(killed: the build took longer than {timeout})"));
            exitCode = -1;
        }

        lock (output)
        {
            return (exitCode, output.ToString());
        }
    }
}
