using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Hitl.Policy.Audit;

/// <summary>
/// The single-writer lock of a trail, taken on the data file itself (its inode), not on a sibling name: a symlink, a
/// hard link, a relative path or a deleted <c>.lock</c> file all reach the same lock.
/// </summary>
/// <remarks>
/// <para><b>Linux.</b> An open-file-description lock (<c>fcntl(F_OFD_SETLK)</c>, a write lock over the whole file). It
/// belongs to the store's open file, so it conflicts with a second store in the same process as well as in another
/// one, and closing some other descriptor of the file (a reader) does not drop it. It is independent of the shared
/// <c>flock</c> that .NET readers take, so readers (<see cref="JsonLinesAuditStore.VerifyFile(string)"/>, the CLI)
/// keep working beside the writer.</para>
/// <para><b>Windows.</b> The data file is opened with <see cref="FileShare.Read"/>, which the OS enforces: a second
/// handle asking for write access is refused, through any name of the file.</para>
/// <para><b>Other systems.</b> A POSIX record lock (<see cref="FileStream.Lock"/>) across processes, plus a table in
/// this process keyed by device and inode, because POSIX record locks do not conflict within one process.</para>
/// <para>All of these are advisory toward programs that do not ask for the lock (an editor, <c>cat &gt;&gt;</c>); on
/// network file systems they are only as good as the server's lock support.</para>
/// </remarks>
internal static class TrailFileLock
{
    private const int FOfdSetLk = 37;
    private const short FWrLck = 1;
    private const short FUnLck = 2;
    private const short SeekSet = 0;
    private static readonly HashSet<(ulong Device, ulong Inode)> HeldInProcess = [];
    private static readonly Lock HeldGate = new();

    /// <summary>Takes the lock on an open data file, or throws <see cref="IOException"/> when another writer holds it.</summary>
    /// <returns>What releases the lock (before the file is closed).</returns>
    public static IDisposable Acquire(FileStream data)
    {
        if (OperatingSystem.IsWindows())
        {
            return Nothing.Instance;
        }

        if (OperatingSystem.IsLinux() && Environment.Is64BitProcess)
        {
            var flock = new Flock { Type = FWrLck, Whence = SeekSet, Start = 0, Length = 0 };
            if (Fcntl(data.SafeFileHandle, FOfdSetLk, ref flock) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno is 11 or 13)
                {
                    throw new IOException("another writer holds the file's lock (fcntl F_OFD_SETLK: EAGAIN)");
                }

                // EINVAL: a kernel or file system without open-file-description locks; fall back to the portable lock.
                if (errno != 22)
                {
                    throw new IOException(FormattableString.Invariant($"the file's lock could not be taken (fcntl F_OFD_SETLK failed with errno {errno})"));
                }
            }
            else
            {
                return new OfdLock(data.SafeFileHandle);
            }
        }

        return Portable(data);
    }

    private static Released Portable(FileStream data)
    {
        var identity = Identity(data);
        lock (HeldGate)
        {
            if (!HeldInProcess.Add(identity))
            {
                throw new IOException("another store in this process holds the file");
            }
        }

        try
        {
            if (!OperatingSystem.IsMacOS() && !OperatingSystem.IsIOS() && !OperatingSystem.IsTvOS())
            {
                data.Lock(long.MaxValue - 1, 1);
            }
        }
        catch
        {
            lock (HeldGate)
            {
                HeldInProcess.Remove(identity);
            }

            throw;
        }

        return new Released(() =>
        {
            lock (HeldGate)
            {
                HeldInProcess.Remove(identity);
            }
        });
    }

    private static (ulong, ulong) Identity(FileStream data)
    {
        // Without stat in the base library, the canonical path stands in for the inode on these systems.
        var target = new FileInfo(data.Name).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? System.IO.Path.GetFullPath(data.Name);
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(target));
        return (BitConverter.ToUInt64(hash, 0), BitConverter.ToUInt64(hash, 8));
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fcntl(SafeFileHandle fd, int command, ref Flock flock);

    /// <summary>Linux's <c>struct flock</c> on 64-bit systems.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    private sealed class OfdLock(SafeFileHandle handle) : IDisposable
    {
        public void Dispose()
        {
            if (!handle.IsClosed)
            {
                var flock = new Flock { Type = FUnLck, Whence = SeekSet, Start = 0, Length = 0 };
                _ = Fcntl(handle, FOfdSetLk, ref flock);
            }
        }
    }

    private sealed class Released(Action release) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                release();
            }
        }
    }

    private sealed class Nothing : IDisposable
    {
        public static readonly Nothing Instance = new();

        public void Dispose()
        {
        }
    }
}
