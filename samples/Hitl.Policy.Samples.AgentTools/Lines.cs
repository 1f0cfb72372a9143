namespace Hitl.Policy.Samples.AgentTools;

/// <summary>Writes the run's lines: who speaks in a column of its own, the text wrapped beside it.</summary>
internal static class Lines
{
    private const int LabelWidth = 10;
    private const int Width = 110;

    public static void Write(TextWriter output, string label, string text)
    {
        var line = label.PadRight(LabelWidth);
        foreach (var word in text.Split(' '))
        {
            if (line.Length + word.Length + 1 > Width && line.Length > LabelWidth)
            {
                output.WriteLine(line.TrimEnd());
                line = new string(' ', LabelWidth);
            }

            line += line.Length == LabelWidth ? word : " " + word;
        }

        output.WriteLine(line.TrimEnd());
    }
}
