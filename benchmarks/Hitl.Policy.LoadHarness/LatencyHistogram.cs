using System.Diagnostics;

namespace Hitl.Policy.LoadHarness;

/// <summary>
/// Latencies in microseconds, in log-linear buckets: exact below 64 us, then 64 buckets per power of two (at most
/// 1/64, about 1.6%, between a bucket's bounds). Not thread-safe: each submitter loop keeps its own, merged at the end;
/// workers send their buckets so that the coordinator's percentiles are over every sample of every worker.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 6;
    private const int SubBuckets = 1 << SubBits;

    /// <summary>Up to 2^40 us (about 12 days); longer is counted in the last bucket.</summary>
    private const int MaxExponent = 40;

    private readonly long[] _counts = new long[(MaxExponent - SubBits + 2) * SubBuckets];

    public long Count { get; private set; }

    public long MaxMicroseconds { get; private set; }

    /// <summary>Records the time from <paramref name="start"/> to <paramref name="end"/> (Stopwatch timestamps).</summary>
    public void Record(long start, long end)
    {
        var micros = (long)((end - start) * 1_000_000.0 / Stopwatch.Frequency);
        Record(micros);
    }

    public void Record(long micros)
    {
        micros = Math.Max(0, micros);
        _counts[Index(micros)]++;
        Count++;
        MaxMicroseconds = Math.Max(MaxMicroseconds, micros);
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        MaxMicroseconds = Math.Max(MaxMicroseconds, other.MaxMicroseconds);
    }

    /// <summary>The non-empty buckets as [index, count] pairs (what a worker sends).</summary>
    public long[][] ToBuckets()
    {
        var buckets = new List<long[]>();
        for (var i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] != 0)
            {
                buckets.Add([i, _counts[i]]);
            }
        }

        return [.. buckets];
    }

    public static LatencyHistogram FromBuckets(long[][]? buckets, long maxMicroseconds)
    {
        var histogram = new LatencyHistogram();
        foreach (var bucket in buckets ?? [])
        {
            if (bucket.Length != 2 || bucket[0] < 0 || bucket[0] >= histogram._counts.Length || bucket[1] < 0)
            {
                throw new FormatException($"A histogram bucket is not [index, count] with an index below {histogram._counts.Length}.");
            }

            histogram._counts[bucket[0]] += bucket[1];
            histogram.Count += bucket[1];
        }

        histogram.MaxMicroseconds = maxMicroseconds;
        return histogram;
    }

    /// <summary>The latency at quantile <paramref name="q"/> (0 to 1) in milliseconds: the middle of its bucket; 0 when empty.</summary>
    public double PercentileMs(double q)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                var (low, high) = Bounds(i);
                return Math.Min((low + high) / 2.0, MaxMicroseconds) / 1000.0;
            }
        }

        return MaxMicroseconds / 1000.0;
    }

    public LatencySummary Summary() => new(Count, PercentileMs(0.50), PercentileMs(0.90), PercentileMs(0.99), MaxMicroseconds / 1000.0);

    private static int Index(long micros)
    {
        if (micros < SubBuckets)
        {
            return (int)micros;
        }

        var exponent = 63 - (int)long.LeadingZeroCount(micros);
        if (exponent > MaxExponent)
        {
            return ((MaxExponent - SubBits + 2) * SubBuckets) - 1;
        }

        var mantissa = (int)((micros >> (exponent - SubBits)) & (SubBuckets - 1));
        return ((exponent - SubBits + 1) * SubBuckets) + mantissa;
    }

    /// <summary>The bucket's bounds in microseconds: [low, high).</summary>
    private static (double Low, double High) Bounds(int index)
    {
        if (index < SubBuckets)
        {
            return (index, index + 1);
        }

        var exponent = (index / SubBuckets) + SubBits - 1;
        var mantissa = index % SubBuckets;
        var shift = exponent - SubBits;
        return ((double)(SubBuckets + mantissa) * (1L << shift), (double)(SubBuckets + mantissa + 1) * (1L << shift));
    }
}

/// <summary>A latency distribution as reported: count, p50, p90, p99 and max, in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs);
