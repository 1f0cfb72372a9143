using System.Buffers;

namespace Hitl.Policy.Audit;

/// <summary>
/// Reads a stream line by line (line feed ends a line) up to a byte limit, keeping only the current line in memory.
/// Each call can run synchronously (for opening a store from a constructor-like factory) or asynchronously.
/// </summary>
/// <remarks>
/// A line longer than <see cref="MaxLineLength"/> is not held: the reader skips to its end (or the end of the stream)
/// in buffer-sized steps and reports it as <see cref="Overlong"/>, with its length and without its bytes. Memory stays
/// bounded by the limit whatever the stream holds: a torn tail of many GiB, an endless line.
/// </remarks>
internal sealed class AuditLineReader : IDisposable
{
    /// <summary>The longest line read by default: 16 MiB, far above any record the stores write.</summary>
    public const int DefaultMaxLineLength = 16 * 1024 * 1024;

    private const int InitialBuffer = 64 * 1024;

    private readonly Stream _stream;
    private long _remaining;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _scanned;
    private long _bufferOffset;
    private bool _eof;

    public AuditLineReader(Stream stream, long limit, int maxLineLength = DefaultMaxLineLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 1);
        _stream = stream;
        _remaining = limit;
        MaxLineLength = maxLineLength;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBuffer, maxLineLength + 1));
    }

    /// <summary>The longest line (without its line feed) that is read into memory.</summary>
    public int MaxLineLength { get; }

    /// <summary>Whether the current line was longer than <see cref="MaxLineLength"/>; <see cref="Line"/> is then empty.</summary>
    public bool Overlong { get; private set; }

    /// <summary>The current line's length in bytes, without its line feed (also for an overlong line).</summary>
    public long LineLength { get; private set; }

    /// <summary>The current line, without its line feed; valid until the next read.</summary>
    public ReadOnlyMemory<byte> Line { get; private set; }

    /// <summary>The current line's 1-based number.</summary>
    public int LineNumber { get; private set; }

    /// <summary>The byte offset where the current line starts.</summary>
    public long LineOffset { get; private set; }

    /// <summary>Whether the current line ended in a line feed (a last line without one was cut off).</summary>
    public bool Terminated { get; private set; }

    /// <summary>The byte offset just past the current line and its line feed.</summary>
    public long LineEnd => LineOffset + LineLength + (Terminated ? 1 : 0);

    public async ValueTask<bool> ReadLineAsync(bool synchronous, CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (newline >= 0 && newline + _scanned - _start <= MaxLineLength)
            {
                newline += _scanned;
                SetLine(_start, newline - _start, terminated: true);
                _start = _scanned = newline + 1;
                return true;
            }

            if (newline >= 0 || _end - _start > MaxLineLength)
            {
                await SkipOverlongAsync(synchronous, cancellationToken).ConfigureAwait(false);
                return true;
            }

            _scanned = _end;
            if (_eof)
            {
                if (_start == _end)
                {
                    return false;
                }

                SetLine(_start, _end - _start, terminated: false);
                _start = _scanned = _end;
                return true;
            }

            await FillAsync(synchronous, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Passes over a line longer than the limit without keeping it: only its length and offset are reported.</summary>
    private async ValueTask SkipOverlongAsync(bool synchronous, CancellationToken cancellationToken)
    {
        var offset = _bufferOffset + _start;
        long length = 0;
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                length += newline;
                _start = _scanned = _start + newline + 1;
                SetOverlong(offset, length, terminated: true);
                return;
            }

            length += _end - _start;
            _start = _scanned = _end;
            if (_eof)
            {
                SetOverlong(offset, length, terminated: false);
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            await FillAsync(synchronous, cancellationToken).ConfigureAwait(false);
        }
    }

    private void SetOverlong(long offset, long length, bool terminated)
    {
        Line = ReadOnlyMemory<byte>.Empty;
        LineOffset = offset;
        LineLength = length;
        Terminated = terminated;
        Overlong = true;
        LineNumber++;
    }

    /// <summary>Whether any byte follows the current line.</summary>
    public async ValueTask<bool> HasMoreAsync(bool synchronous, CancellationToken cancellationToken)
    {
        while (_start == _end && !_eof)
        {
            await FillAsync(synchronous, cancellationToken).ConfigureAwait(false);
        }

        return _start < _end;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void SetLine(int start, int length, bool terminated)
    {
        Line = _buffer.AsMemory(start, length);
        LineOffset = _bufferOffset + start;
        LineLength = length;
        Terminated = terminated;
        Overlong = false;
        LineNumber++;
    }

    private async ValueTask FillAsync(bool synchronous, CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _bufferOffset += _start;
            _end -= _start;
            _scanned -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // Never past the longest line (and its line feed): a longer one is skipped, not held.
            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, MaxLineLength + 1L));
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var room = (int)Math.Min(_buffer.Length - _end, _remaining);
        var read = room == 0
            ? 0
            : synchronous
                ? _stream.Read(_buffer, _end, room)
                : await _stream.ReadAsync(_buffer.AsMemory(_end, room), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _eof = true;
        }
        else
        {
            _end += read;
            _remaining -= read;
        }
    }
}
