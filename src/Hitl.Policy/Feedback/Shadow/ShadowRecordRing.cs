namespace Hitl.Policy.Feedback;

/// <summary>One sampled difference waiting to be flushed: value types and references to strings that already exist.</summary>
internal struct PendingShadowRecord
{
    public DateTimeOffset At;
    public Decision Active;
    public Decision Candidate;
    public string? RequestId;
    public ShadowDifferenceKind Kind;
}

/// <summary>
/// A bounded, preallocated queue of <see cref="PendingShadowRecord"/>: many threads add without a lock and without
/// allocating (a slot is claimed with one compare-and-swap, and published by its sequence number), one thread at a time
/// takes. When every slot is taken, <see cref="TryAdd"/> says so at once instead of waiting.
/// </summary>
/// <remarks>
/// There is one slot more than the capacity (so that "free for this lap" and "written in the lap before" never read
/// alike, also for a capacity of 1). Slot <c>i</c> of <c>n</c> serves the positions <c>i</c>, <c>i + n</c>,
/// <c>i + 2n</c>, ...; its sequence says which position it waits for: equal to the position, it is free for that writer;
/// one more, it holds that position's record for the reader. A writer more than the capacity ahead of the reader is refused.
/// </remarks>
internal sealed class ShadowRecordRing
{
    private readonly Slot[] _slots;
    private readonly int _capacity;
    private long _writePosition;
    private long _readPosition;

    public ShadowRecordRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _slots = new Slot[capacity + 1];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i].Sequence = i;
        }
    }

    public int Capacity => _capacity;

    /// <summary>Adds a record; <see langword="false"/> when every slot is taken (the record is not kept).</summary>
    public bool TryAdd(in PendingShadowRecord record)
    {
        var position = Volatile.Read(ref _writePosition);
        while (true)
        {
            if (position - Volatile.Read(ref _readPosition) >= _capacity)
            {
                return false;
            }

            ref var slot = ref _slots[position % _slots.Length];
            var sequence = Volatile.Read(ref slot.Sequence);
            var lag = sequence - position;
            if (lag == 0)
            {
                var claimed = Interlocked.CompareExchange(ref _writePosition, position + 1, position);
                if (claimed == position)
                {
                    slot.Record = record;
                    Volatile.Write(ref slot.Sequence, position + 1);
                    return true;
                }

                position = claimed;
            }
            else if (lag < 0)
            {
                // The slot still holds the record of one lap before: the ring is full.
                return false;
            }
            else
            {
                position = Volatile.Read(ref _writePosition);
            }
        }
    }

    /// <summary>Takes the oldest published record. Only one thread may take at a time (the caller holds a lock).</summary>
    public bool TryTake(out PendingShadowRecord record)
    {
        var position = _readPosition;
        ref var slot = ref _slots[position % _slots.Length];
        if (Volatile.Read(ref slot.Sequence) != position + 1)
        {
            // Empty, or a writer has claimed the slot and not yet published it: it is taken at the next flush.
            record = default;
            return false;
        }

        record = slot.Record;
        slot.Record = default;
        Volatile.Write(ref slot.Sequence, position + _slots.Length);
        Volatile.Write(ref _readPosition, position + 1);
        return true;
    }

    private struct Slot
    {
        public long Sequence;
        public PendingShadowRecord Record;
    }
}
