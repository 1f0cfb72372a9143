namespace Hitl.Policy.Review;

/// <summary>
/// Serializes the acts of one gate on one case (a fixed set of stripes, so the table never grows with the cases). It
/// only spares the gate needless version conflicts: between gates and processes the case store's versions decide.
/// </summary>
#pragma warning disable CA1001 // The semaphores never allocate wait handles (only WaitAsync is used), so there is nothing to dispose.
internal sealed class CaseLocks
#pragma warning restore CA1001
{
    private const int Stripes = 64;
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    public async ValueTask<Releaser> EnterAsync(string caseId, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(caseId) % Stripes)];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(stripe);
    }

    public readonly struct Releaser(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }
}
