using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Store;

public sealed class CaseCursorStateTests
{
    [Fact]
    public void Every_state_reads_back_from_its_name_and_nothing_else_is_a_state()
    {
        foreach (var state in Enum.GetValues<CaseState>())
        {
            Assert.Equal(state, CaseCursor.ParseState(state.ToString()));
        }

        foreach (var text in new[] { "", "pending", "PENDING", " Pending", "Pending ", "0", "3", "99", "Pending,Held" })
        {
            Assert.Null(CaseCursor.ParseState(text));
        }
    }

    [Fact]
    public void Zero_counts_hold_every_state_at_zero_in_a_map_of_their_own()
    {
        var first = CaseCursor.ZeroCounts();
        first[CaseState.Pending] = 5;

        Assert.Equal(Enum.GetValues<CaseState>(), CaseCursor.ZeroCounts().Keys.Order());
        Assert.All(CaseCursor.ZeroCounts().Values, n => Assert.Equal(0, n));
    }
}
