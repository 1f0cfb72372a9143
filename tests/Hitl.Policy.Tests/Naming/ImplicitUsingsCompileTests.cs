using System.Globalization;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using System.Text;

namespace Hitl.Policy.Tests.Naming;

/// <summary>
/// Keeps the library's public type names clear of every type that the .NET SDKs' implicit usings bring into scope.
/// </summary>
/// <remarks>
/// <para>
/// With <c>&lt;ImplicitUsings&gt;enable&lt;/ImplicitUsings&gt;</c> every Web SDK project has
/// <c>global using Microsoft.AspNetCore.Routing;</c> (and Http, Builder, Hosting, the Microsoft.Extensions ones and the
/// System ones). A public Hitl.Policy type with the same name and arity as a type in one of those namespaces makes
/// each unqualified use of it in a file with <c>using Hitl.Policy…;</c> fail with CS0104 (ambiguous reference). That
/// happened: the route enum was called <c>Route</c> and clashed with <c>Microsoft.AspNetCore.Routing.Route</c> in every
/// ASP.NET Core app; it is <see cref="RouteLevel"/> now.
/// </para>
/// <para>
/// Two tests keep such a clash from coming back. The fast one compares names against the types of the installed shared
/// frameworks, read as metadata. The slow one is the proof the user would see: it builds a Web SDK project and a Worker
/// SDK project that import every public namespace of the library and use every public type unqualified, with warnings
/// as errors.
/// </para>
/// </remarks>
public class ImplicitUsingsCompileTests
{
    /// <summary>The namespaces the implicit usings of Microsoft.NET.Sdk, Microsoft.NET.Sdk.Web and Microsoft.NET.Sdk.Worker import.</summary>
    private static readonly string[] ImplicitUsingNamespaces =
    [
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Http",
        "Microsoft.AspNetCore.Builder",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.Extensions.Hosting",
        "Microsoft.Extensions.Logging",
        "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection",
        "System",
        "System.IO",
        "System.Linq",
        "System.Net.Http",
        "System.Net.Http.Json",
        "System.Threading",
        "System.Threading.Tasks",
        "System.Collections.Generic",
    ];

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Every public top-level type of Hitl.Policy, compiler-generated ones left out, in a stable order.</summary>
    private static readonly Type[] PublicTypes = typeof(Decision).Assembly.GetExportedTypes()
        .Where(t => !t.IsNested && !t.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Every namespace that holds a public type of Hitl.Policy.</summary>
    private static readonly string[] PublicNamespaces = PublicTypes
        .Select(t => t.Namespace!)
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)
        .ToArray();

    [Fact]
    public void No_public_type_has_the_name_and_arity_of_a_type_in_an_implicit_using_namespace()
    {
        var framework = SharedFrameworkTypes();
        Assert.Contains("Microsoft.AspNetCore.Routing.Route", framework.GetValueOrDefault("Route") ?? []);

        var collisions = PublicTypes
            .Where(t => framework.ContainsKey(t.Name))
            .SelectMany(t => framework[t.Name].Select(other => t.FullName + " vs " + other))
            .ToList();

        Assert.True(
            collisions.Count == 0,
            "Public Hitl.Policy types share a name (and arity) with types that the SDKs' implicit usings import; an unqualified "
            + "use next to those usings is ambiguous (CS0104):" + Environment.NewLine + string.Join(Environment.NewLine, collisions));
    }

    [Fact]
    public async Task Web_and_Worker_SDK_projects_build_with_every_public_namespace_imported()
    {
        Assert.True(File.Exists(ScratchProjects.LibraryPath), "Hitl.Policy.dll not found at " + ScratchProjects.LibraryPath);
        var hostingVersion = ScratchProjects.PinnedExtensionsVersion();
        var dir = Path.Combine(Path.GetTempPath(), "hitl-usings-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            // Empty files stop the search for the repository's (or any parent folder's) build settings.
            File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />");
            File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />");

            var web = ScratchProjects.Write(
                dir,
                "WebApp",
                "Microsoft.NET.Sdk.Web",
                Program(
                    "var builder = WebApplication.CreateBuilder(args);",
                    "var app = builder.Build();",
                    "app.MapGet(\"/\", () => Results.Ok());"));
            var worker = ScratchProjects.Write(
                dir,
                "WorkerApp",
                "Microsoft.NET.Sdk.Worker",
                Program("var host = Host.CreateApplicationBuilder(args).Build();"),
                ("Microsoft.Extensions.Hosting", hostingVersion));

            var failures = new StringBuilder();
            foreach (var (name, project) in new[] { ("Web SDK", web), ("Worker SDK", worker) })
            {
                var (exitCode, output) = await ScratchProjects.BuildAsync(project, BuildTimeout);
                var clean = exitCode == 0
                    && output.Contains("0 Warning(s)", StringComparison.Ordinal)
                    && output.Contains("0 Error(s)", StringComparison.Ordinal);
                if (!clean)
                {
                    failures.AppendLine(CultureInfo.InvariantCulture, $"The {name} project ({project}) did not build cleanly (exit code {exitCode}). Build output:")
                        .AppendLine(output);
                }
            }

            Assert.True(failures.Length == 0, failures.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// A Program.cs that imports every public namespace of the library, names every public type unqualified, uses the
    /// route of a decision, and then runs <paramref name="sdkLines"/> (which only build the host; nothing runs at build time).
    /// </summary>
    private static string Program(params string[] sdkLines)
    {
        var text = new StringBuilder();
        foreach (var ns in PublicNamespaces)
        {
            text.Append("using ").Append(ns).AppendLine(";");
        }

        text.AppendLine();
        foreach (var type in PublicTypes)
        {
            text.Append("_ = typeof(").Append(CSharpName(type)).AppendLine(");");
        }

        text.AppendLine()
            .AppendLine("RouteLevel level = default(Decision).Route;")
            .AppendLine("Decision d = default;")
            .AppendLine("_ = (level, d);");
        foreach (var line in sdkLines)
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }

    /// <summary>The unqualified name as C# writes it in <c>typeof</c>: <c>ReviewGate&lt;&gt;</c>, <c>X&lt;,&gt;</c>.</summary>
    private static string CSharpName(Type type)
    {
        if (!type.IsGenericTypeDefinition)
        {
            return type.Name;
        }

        var tick = type.Name.IndexOf('`', StringComparison.Ordinal);
        var arity = type.GetGenericArguments().Length;
        return type.Name[..tick] + "<" + new string(',', arity - 1) + ">";
    }

    /// <summary>
    /// The public top-level types of the shared frameworks (Microsoft.NETCore.App that runs this test and the newest
    /// Microsoft.AspNetCore.App of the same major version beside it) in <see cref="ImplicitUsingNamespaces"/>, read
    /// with <see cref="MetadataReader"/> (nothing is loaded): metadata name (with arity, <c>List`1</c>) to full names.
    /// </summary>
    private static Dictionary<string, SortedSet<string>> SharedFrameworkTypes()
    {
        var netCoreDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var aspNetCoreDir = NewestAspNetCore(Path.Combine(Path.GetDirectoryName(netCoreDir)!, "..", "Microsoft.AspNetCore.App"));
        var wanted = new HashSet<string>(ImplicitUsingNamespaces, StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        var types = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);

        foreach (var file in Directory.EnumerateFiles(netCoreDir, "*.dll").Concat(Directory.EnumerateFiles(aspNetCoreDir, "*.dll")))
        {
            using var stream = File.OpenRead(file);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                continue;
            }

            var reader = pe.GetMetadataReader();
            foreach (var handle in reader.TypeDefinitions)
            {
                var type = reader.GetTypeDefinition(handle);
                if ((type.Attributes & TypeAttributes.VisibilityMask) != TypeAttributes.Public)
                {
                    continue;
                }

                var ns = reader.GetString(type.Namespace);
                if (!wanted.Contains(ns))
                {
                    continue;
                }

                var name = reader.GetString(type.Name);
                found.Add(ns);
                if (!types.TryGetValue(name, out var fullNames))
                {
                    types[name] = fullNames = new SortedSet<string>(StringComparer.Ordinal);
                }

                fullNames.Add(ns + "." + name);
            }
        }

        // A namespace without a single type means the wrong folders were read, not that there is nothing to clash with.
        Assert.Empty(wanted.Except(found).Order(StringComparer.Ordinal));
        return types;
    }

    private static string NewestAspNetCore(string root)
    {
        Assert.True(Directory.Exists(root), "The ASP.NET Core shared framework is not installed: " + Path.GetFullPath(root) + " does not exist.");
        var major = Environment.Version.Major;
        var newest = Directory.EnumerateDirectories(root)
            .Select(d => (Dir: d, Version: ParseVersion(Path.GetFileName(d))))
            .Where(v => v.Version is not null && v.Version.Major == major)
            .OrderByDescending(v => v.Version)
            .Select(v => v.Dir)
            .FirstOrDefault();
        Assert.True(newest is not null, string.Create(CultureInfo.InvariantCulture, $"No Microsoft.AspNetCore.App {major}.x under {Path.GetFullPath(root)}."));
        return newest;
    }

    private static Version? ParseVersion(string folder)
    {
        var dash = folder.IndexOf('-', StringComparison.Ordinal);
        return Version.TryParse(dash < 0 ? folder : folder[..dash], out var version) ? version : null;
    }
}
