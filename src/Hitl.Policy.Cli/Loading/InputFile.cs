namespace Hitl.Policy.Cli.Loading;

/// <summary>Reads the files a command names, turning the ways that fails into one clear sentence each.</summary>
internal static class InputFile
{
    /// <summary>Reads a whole file.</summary>
    /// <param name="path">The path as the user gave it.</param>
    /// <param name="what">What the file is for, for example <c>policy file</c>.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="CliException">The file is missing or cannot be read.</exception>
    public static byte[] ReadBytes(string path, string what)
    {
        try
        {
            return File.ReadAllBytes(Check(path, what));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read the {what} '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Reads a whole file that must stay small (a case), refusing one over the limit before reading it.</summary>
    /// <param name="path">The path as the user gave it.</param>
    /// <param name="what">What the file is for.</param>
    /// <param name="maxBytes">The most bytes accepted.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="CliException">The file is missing, unreadable or too large.</exception>
    public static byte[] ReadBytes(string path, string what, int maxBytes)
    {
        try
        {
            using var stream = new FileStream(Check(path, what), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var bytes = new byte[Math.Min(stream.CanSeek ? stream.Length : maxBytes, maxBytes) + 1];
            var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (read > maxBytes)
            {
                throw new CliException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"The {what} '{path}' is larger than {maxBytes} bytes, the most it may take; nothing was read past that."));
            }

            return bytes[..read];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read the {what} '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>The bytes without a UTF-8 byte order mark, which editors on Windows write and a JSON parser refuses.</summary>
    public static byte[] WithoutByteOrderMark(byte[] bytes) =>
        bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;

    /// <summary>Opens a file for reading line by line.</summary>
    /// <param name="path">The path as the user gave it.</param>
    /// <param name="what">What the file is for.</param>
    /// <returns>A reader the caller disposes.</returns>
    /// <exception cref="CliException">The file is missing or cannot be read.</exception>
    public static StreamReader OpenText(string path, string what)
    {
        try
        {
            return new StreamReader(Check(path, what), detectEncodingFromByteOrderMarks: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read the {what} '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Checks that a path names an existing file, before a library call that would say less.</summary>
    /// <param name="path">The path as the user gave it.</param>
    /// <param name="what">What the file is for.</param>
    /// <returns>The path.</returns>
    /// <exception cref="CliException">The path is empty, a directory, or names no file.</exception>
    public static string Check(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CliException($"The {what} path is empty.");
        }

        if (Directory.Exists(path))
        {
            throw new CliException($"The {what} '{path}' is a directory; give the path of a file.");
        }

        if (!File.Exists(path))
        {
            throw new CliException($"The {what} '{path}' does not exist (looked in {Path.GetFullPath(path)}).");
        }

        return path;
    }
}
