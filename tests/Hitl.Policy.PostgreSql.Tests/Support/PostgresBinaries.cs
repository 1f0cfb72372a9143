using System.Globalization;

namespace Hitl.Policy.PostgreSql.Tests.Support;

/// <summary>The directory that holds the PostgreSQL server programs <c>initdb</c> and <c>pg_ctl</c>.</summary>
internal sealed class PostgresBinaries
{
    /// <summary>A directory with initdb and pg_ctl; when set, it is the only place looked at.</summary>
    public const string BinVariable = "HITL_POSTGRES_BIN";

    private const string VersionedRoot = "/usr/lib/postgresql";

    private PostgresBinaries(string directory) => Directory = directory;

    public string Directory { get; }

    public string InitDb => Path.Combine(Directory, "initdb");

    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    /// <summary>
    /// Looks, in this order, in <c>$HITL_POSTGRES_BIN</c> (and nowhere else when it is set), in <c>pg_config --bindir</c>,
    /// in the highest version under <c>/usr/lib/postgresql/*/bin</c>, then on PATH.
    /// </summary>
    public static async Task<PostgresBinaries> LocateAsync(CancellationToken cancellationToken)
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        var pinned = Environment.GetEnvironmentVariable(BinVariable);
        if (!string.IsNullOrWhiteSpace(pinned))
        {
            // An explicit setting that points nowhere is a mistake to report, not one to paper over with another install.
            if (!HasBoth(pinned))
            {
                throw new InvalidOperationException(
                    $"{BinVariable} is set to '{pinned}', which does not hold the PostgreSQL server binaries (initdb, pg_ctl); "
                    + "when it is set, nowhere else is looked at. Fix: point it at the bin directory of an install "
                    + $"(as /usr/lib/postgresql/15/bin), or unset it to search `pg_config --bindir`, {VersionedRoot}/*/bin and PATH "
                    + $"(Debian/Ubuntu: `apt-get install -y postgresql`), or set {PostgresServer.ConnectionVariable} to an existing server.");
            }

            return new PostgresBinaries(Path.GetFullPath(pinned));
        }

        var candidates = new List<string>();
        var fromPgConfig = await PgConfigBinDirectoryAsync(path, cancellationToken);
        if (fromPgConfig is not null)
        {
            candidates.Add(fromPgConfig);
        }

        candidates.AddRange(VersionedDirectories(VersionedRoot));
        return Find(candidates, path);
    }

    /// <summary>
    /// The first of <paramref name="candidateDirectories"/> that holds initdb and pg_ctl, else the first directory of
    /// <paramref name="pathVariable"/> (colon-separated, like PATH) that does; throws a message naming the places and
    /// the fix when none does.
    /// </summary>
    internal static PostgresBinaries Find(IEnumerable<string> candidateDirectories, string? pathVariable)
    {
        var looked = new List<string>();
        foreach (var candidate in candidateDirectories)
        {
            looked.Add(candidate);
            if (HasBoth(candidate))
            {
                return new PostgresBinaries(Path.GetFullPath(candidate));
            }
        }

        var onPath = (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var entry in onPath)
        {
            var initDb = Path.Combine(entry, "initdb");
            if (!File.Exists(initDb))
            {
                continue;
            }

            if (HasBoth(entry))
            {
                return new PostgresBinaries(Path.GetFullPath(entry));
            }

            // initdb linked into PATH on its own (as /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb): pg_ctl is beside the target.
            var target = File.ResolveLinkTarget(initDb, returnFinalTarget: true)?.FullName;
            var targetDirectory = target is null ? null : Path.GetDirectoryName(target);
            if (targetDirectory is not null && HasBoth(targetDirectory))
            {
                return new PostgresBinaries(targetDirectory);
            }
        }

        throw new InvalidOperationException(
            "The PostgreSQL server binaries (initdb, pg_ctl) were not found. Looked in $" + BinVariable
            + ", `pg_config --bindir`, " + VersionedRoot + "/*/bin and PATH; directories checked: "
            + (looked.Count == 0 ? "(none)" : string.Join(", ", looked))
            + "; PATH: " + (onPath.Length == 0 ? "(empty)" : string.Join(", ", onPath))
            + ". Fix: install the server (Debian/Ubuntu: `apt-get install -y postgresql`), point " + BinVariable
            + " at a directory holding initdb and pg_ctl, or set " + PostgresServer.ConnectionVariable
            + " to the admin connection string of an existing server (tests that stop the server still need the binaries).");
    }

    /// <summary>The <c>bin</c> folders under <paramref name="root"/>'s version folders (15, 16, 9.6), highest version first.</summary>
    internal static IEnumerable<string> VersionedDirectories(string root)
    {
        if (!System.IO.Directory.Exists(root))
        {
            return [];
        }

        return System.IO.Directory.GetDirectories(root)
            .Select(directory => (Directory: directory, Version: ParseVersion(Path.GetFileName(directory))))
            .Where(entry => entry.Version is not null)
            .OrderByDescending(entry => entry.Version)
            .Select(entry => Path.Combine(entry.Directory, "bin"))
            .ToList();
    }

    private static Version? ParseVersion(string name)
    {
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return new Version(major, 0);
        }

        return Version.TryParse(name, out var version) ? version : null;
    }

    private static bool HasBoth(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

    private static async Task<string?> PgConfigBinDirectoryAsync(string? pathVariable, CancellationToken cancellationToken)
    {
        var pgConfig = (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => Path.Combine(entry, "pg_config"))
            .FirstOrDefault(File.Exists);
        if (pgConfig is null)
        {
            return null;
        }

        try
        {
            var result = await PostgresProcess.RunAsync(pgConfig, ["--bindir"], runAs: null, workingDirectory: null, TimeSpan.FromSeconds(15), cancellationToken);
            var directory = result.StandardOutput.Trim();
            return result.ExitCode == 0 && directory.Length > 0 ? directory : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
