using System.Text;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Tests.Feedback;

/// <summary>Issue 10, item 7: terminal control characters in trail or case data are escaped in the reports' text tables.</summary>
public class TextTableEscapeTests
{
    [Fact]
    public void Cells_with_control_characters_and_bidi_overrides_are_escaped_and_aligned()
    {
        var text = new StringBuilder();
        new TextTable("ACTION", "N").Row("loan\u001b[31m.approve\u202E", "1").Row("a\tb\nc\u0085", "2").WriteTo(text);

        var output = text.ToString();
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u202E', output);
        Assert.DoesNotContain('\t', output);
        Assert.Contains(@"loan\u001B[31m.approve\u202E", output, StringComparison.Ordinal);
        Assert.Contains(@"a\u0009b\u000Ac\u0085", output, StringComparison.Ordinal);
        Assert.Equal(4, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
