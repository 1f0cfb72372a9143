using Hitl.Policy.Review;
using static Hitl.Policy.CaseStoreContract.Samples;

namespace Hitl.Policy.CaseStoreContract;

/// <summary>What every store that leases work (<see cref="ICaseClaims"/>) must do.</summary>
public abstract class CaseClaimsContractTests : CaseStoreContractTests
{
    private static readonly CaseQuery Due = new() { States = [CaseState.Pending], OrderBy = CaseOrder.Deadline, Limit = 3 };

    [Fact]
    public async Task Claims_give_each_claimant_other_cases_in_the_query_order_renew_their_own_and_free_them_when_the_lease_ends()
    {
        var store = Open();
        var claims = (ICaseClaims)store;
        for (var i = 0; i < 5; i++)
        {
            await store.CommitAsync(Create(Case($"c-{i}", deadline: Start.AddMinutes(10 - i))));
        }

        await store.CommitAsync(Create(Case("closed", state: CaseState.Approved, deadline: Start)));

        var a = await claims.ClaimAsync(Claim("a", Start));
        var b = await claims.ClaimAsync(Claim("b", Start));
        var renewed = await claims.ClaimAsync(Claim("a", Start.AddMinutes(4)));
        var afterLease = await claims.ClaimAsync(Claim("c", Start.AddMinutes(10)));

        Assert.Equal(["c-4", "c-3", "c-2"], a.Select(c => c.Id));    // nearest deadline first
        Assert.Equal(["c-1", "c-0"], b.Select(c => c.Id));
        Assert.Equal(["c-4", "c-3", "c-2"], renewed.Select(c => c.Id)); // a's own again, now until Start + 9 min
        Assert.Equal(["c-4", "c-3", "c-2"], afterLease.Select(c => c.Id)); // both leases ended by Start + 10 min
        Assert.All(a, c => Assert.Equal(1, c.Version));
        Assert.Equal(1, (await store.GetAsync("c-4"))!.Version);       // a lease is not a change of the case
    }

    [Fact]
    public async Task A_claimed_case_is_still_decided_by_its_version_not_by_the_lease()
    {
        var store = Open();
        var v1 = (await store.CommitAsync(Create(Case("c-l", deadline: Start)))).Case;
        var claimed = await ((ICaseClaims)store).ClaimAsync(Claim("a", Start));

        var byOther = await store.CommitAsync(Update(v1, c => c with { State = CaseState.Approved }));
        var stale = await Assert.ThrowsAsync<CaseConflictException>(async () => await store.CommitAsync(Update(claimed[0], c => c with { State = CaseState.Rejected })));

        Assert.Equal(2, byOther.Case.Version);
        Assert.Equal(2, stale.ActualVersion);
        Assert.Empty(await ((ICaseClaims)store).ClaimAsync(Claim("a", Start)));   // no longer pending
    }

    [Fact]
    public async Task A_commit_of_a_case_ends_its_lease()
    {
        var store = Open();
        var claims = (ICaseClaims)store;
        await store.CommitAsync(Create(Case("c-q", deadline: Start)));
        var held = (await claims.ClaimAsync(Claim("a", Start)))[0];

        Assert.Empty(await claims.ClaimAsync(Claim("b", Start)));
        await store.CommitAsync(Update(held, c => c with { Approvers = ["a"] }));   // the first of two approvals

        Assert.Equal(["c-q"], (await claims.ClaimAsync(Claim("b", Start))).Select(c => c.Id));
    }

    [Fact]
    public async Task A_claim_with_a_cursor_is_refused_naming_the_field()
    {
        var store = Open();
        var refused = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await ((ICaseClaims)store).ClaimAsync(Claim("a", Start) with { Query = Due with { After = "d1:x" } }));
        Assert.Contains("CaseClaim.Query.After", refused.Message, StringComparison.Ordinal);
    }

    private static CaseClaim Claim(string claimant, DateTimeOffset now) => new() { Query = Due, Claimant = claimant, Now = now, Lease = TimeSpan.FromMinutes(5) };
}
