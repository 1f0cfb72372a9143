using System.Globalization;
using System.Text;

namespace Hitl.Policy.Feedback;

/// <summary>
/// A small line diff in the unified format (<c>@@ -a,b +c,d @@</c> hunks, <c>-</c> removed, <c>+</c> added, a space for
/// context), from a longest common subsequence of lines. Enough for a person to read a policy change.
/// </summary>
public static class LineDiff
{
    /// <summary>Compares two texts line by line.</summary>
    /// <param name="before">The old text.</param>
    /// <param name="after">The new text.</param>
    /// <param name="beforeName">The old text's name in the header.</param>
    /// <param name="afterName">The new text's name in the header.</param>
    /// <param name="context">How many unchanged lines to show around each change.</param>
    /// <returns>The diff; empty when the texts have the same lines.</returns>
    public static string Unified(string before, string after, string beforeName = "before", string afterName = "after", int context = 3)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentOutOfRangeException.ThrowIfNegative(context);
        var a = Lines(before);
        var b = Lines(after);
        var script = Script(a, b);
        if (script.TrueForAll(op => op.Kind == ' '))
        {
            return "";
        }

        var changes = Enumerable.Range(0, script.Count).Where(k => script[k].Kind != ' ').ToList();
        var text = new StringBuilder();
        text.Append("--- ").Append(beforeName).Append('\n').Append("+++ ").Append(afterName).Append('\n');

        // Changes closer than 2 * context unchanged lines share a hunk, so that no context line is shown twice.
        var first = changes[0];
        for (var k = 1; k <= changes.Count; k++)
        {
            if (k < changes.Count && changes[k] - changes[k - 1] - 1 <= 2 * context)
            {
                continue;
            }

            var last = changes[k - 1];
            var start = Math.Max(0, first - context);
            var stop = Math.Min(script.Count, last + context + 1);
            var hunk = script.GetRange(start, stop - start);
            var oldCount = hunk.Count(op => op.Kind != '+');
            var newCount = hunk.Count(op => op.Kind != '-');
            var oldStart = oldCount > 0 ? hunk.Find(op => op.Kind != '+').OldLine : hunk[0].OldLine - 1;
            var newStart = newCount > 0 ? hunk.Find(op => op.Kind != '-').NewLine : hunk[0].NewLine - 1;
            text.Append(CultureInfo.InvariantCulture, $"@@ -{oldStart},{oldCount} +{newStart},{newCount} @@\n");
            foreach (var op in hunk)
            {
                text.Append(op.Kind).Append(op.Text).Append('\n');
            }

            if (k < changes.Count)
            {
                first = changes[k];
            }
        }

        return text.ToString();
    }

    private static string[] Lines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    private static List<Op> Script(string[] a, string[] b)
    {
        // Trim the common head and tail so that the table below covers only the changed middle.
        var head = 0;
        while (head < a.Length && head < b.Length && a[head] == b[head])
        {
            head++;
        }

        var tail = 0;
        while (tail < a.Length - head && tail < b.Length - head && a[a.Length - 1 - tail] == b[b.Length - 1 - tail])
        {
            tail++;
        }

        var n = a.Length - head - tail;
        var m = b.Length - head - tail;
        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
            {
                lcs[i, j] = a[head + i] == b[head + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var ops = new List<Op>(a.Length + b.Length);
        for (var k = 0; k < head; k++)
        {
            ops.Add(new Op(' ', a[k], k + 1, k + 1));
        }

        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[head + x] == b[head + y])
            {
                ops.Add(new Op(' ', a[head + x], head + x + 1, head + y + 1));
                x++;
                y++;
            }
            else if (x < n && (y == m || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                ops.Add(new Op('-', a[head + x], head + x + 1, head + y + 1));
                x++;
            }
            else
            {
                ops.Add(new Op('+', b[head + y], head + x + 1, head + y + 1));
                y++;
            }
        }

        for (var k = 0; k < tail; k++)
        {
            ops.Add(new Op(' ', a[a.Length - tail + k], a.Length - tail + k + 1, b.Length - tail + k + 1));
        }

        return ops;
    }

    private readonly record struct Op(char Kind, string Text, int OldLine, int NewLine);
}
