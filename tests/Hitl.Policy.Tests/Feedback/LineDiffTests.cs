using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Tests.Feedback;

public sealed class LineDiffTests
{
    [Fact]
    public void Equal_texts_have_no_diff()
    {
        Assert.Equal("", LineDiff.Unified("a\nb\n", "a\nb\n"));
    }

    [Fact]
    public void A_changed_line_gets_one_hunk_with_three_lines_of_context()
    {
        var before = string.Join('\n', Enumerable.Range(1, 10).Select(i => "line " + i));
        var after = before.Replace("line 5", "line five", StringComparison.Ordinal);
        Assert.Equal(
            "--- old\n+++ new\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8\n",
            LineDiff.Unified(before, after, "old", "new"));
    }

    [Fact]
    public void Distant_changes_get_separate_hunks_and_an_insertion_names_the_line_before_it()
    {
        var before = string.Join('\n', Enumerable.Range(1, 20).Select(i => "l" + i));
        var after = "l0\n" + before.Replace("l18", "L18", StringComparison.Ordinal);
        Assert.Equal("--- before\n+++ after\n@@ -1,1 +1,2 @@\n+l0\n l1\n@@ -17,3 +18,3 @@\n l17\n-l18\n+L18\n l19\n", LineDiff.Unified(before, after, context: 1));
        Assert.Equal("--- before\n+++ after\n@@ -0,0 +1,1 @@\n+l0\n@@ -18,1 +19,1 @@\n-l18\n+L18\n", LineDiff.Unified(before, after, context: 0));
    }

    public static class Inputs
    {
        /// <summary>Texts of lines drawn from four, so that the two texts share many lines.</summary>
        public static Arbitrary<string[]> Lines() => Gen.Elements("a", "b", "c", "d").ArrayOf().ToArbitrary();
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(Inputs)])]
    public bool With_enough_context_the_diff_holds_both_texts(string[] a, string[] b)
    {
        var before = string.Join('\n', a);
        var after = string.Join('\n', b);
        var diff = LineDiff.Unified(before, after, context: 1000);
        if (before == after)
        {
            return diff.Length == 0;
        }

        var body = diff.Split('\n').Skip(3).SkipLast(1).ToList();
        return string.Join('\n', body.Where(l => l[0] != '+').Select(l => l[1..])) == before
            && string.Join('\n', body.Where(l => l[0] != '-').Select(l => l[1..])) == after;
    }
}
