using System.Buffers;

namespace Hitl.Policy.Audit;

/// <summary>
/// Reads a stream line by line (line feed ends a line) up to a byte limit, keeping only the current line in memory.
/// Each call can run synchronously (for opening a store from a constructor-like factory) or asynchronously.
/// </summary>
internal sealed class AuditLineReader : IDisposable
{
    private readonly Stream _stream;
    private long _remaining;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _scanned;
    private long _bufferOffset;
    private bool _eof;

    public AuditLineReader(Stream stream, long limit)
    {
        _stream = stream;
        _remaining = limit;
        _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    }

    /// <summary>The current line, without its line feed; valid until the next read.</summary>
    public ReadOnlyMemory<byte> Line { get; private set; }

    /// <summary>The current line's 1-based number.</summary>
    public int LineNumber { get; private set; }

    /// <summary>The byte offset where the current line starts.</summary>
    public long LineOffset { get; private set; }

    /// <summary>Whether the current line ended in a line feed (a last line without one was cut off).</summary>
    public bool Terminated { get; private set; }

    /// <summary>The byte offset just past the current line and its line feed.</summary>
    public long LineEnd => LineOffset + Line.Length + (Terminated ? 1 : 0);

    public async ValueTask<bool> ReadLineAsync(bool synchronous, CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                newline += _scanned;
                SetLine(_start, newline - _start, terminated: true);
                _start = _scanned = newline + 1;
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
        Terminated = terminated;
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
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
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
