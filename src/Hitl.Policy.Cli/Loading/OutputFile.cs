using System.Text;

namespace Hitl.Policy.Cli.Loading;

/// <summary>A file a command writes its results to: always a new one, never one that exists already.</summary>
internal static class OutputFile
{
    /// <summary>Creates the file for writing (UTF-8 without a byte order mark, line feeds).</summary>
    /// <param name="path">The path as the user gave it.</param>
    /// <param name="what">What is written, for example <c>export</c>.</param>
    /// <returns>A writer the caller disposes.</returns>
    /// <exception cref="CliException">The file exists already, or cannot be created; the message names it.</exception>
    public static StreamWriter CreateNew(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CliException($"The {what} path (--out) is empty.");
        }

        if (File.Exists(path) || Directory.Exists(path))
        {
            throw new CliException($"The {what} file '{path}' exists already; --out never overwrites a file. Give a new path, or move the old file away.");
        }

        try
        {
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        }
        catch (IOException ex) when (File.Exists(path))
        {
            throw new CliException($"The {what} file '{path}' exists already; --out never overwrites a file. Give a new path.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot create the {what} file '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Removes a file this command created and could not finish, so that no partial result is left to be taken for a whole one.</summary>
    public static void DeletePartial(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The error that stopped the command is reported; a leftover file is the lesser problem.
        }
    }
}
