using System.Globalization;

namespace Hitl.Policy.Quickstart;

/// <summary>A single console line rewritten in place (carriage return) while the stream runs; silent without a console.</summary>
internal sealed class ProgressLine(TextWriter? console, int total)
{
    private const int Width = 24;
    private int _lastLength;

    public void Update(int done, int auto, int toPerson, DateTimeOffset virtualTime)
    {
        if (console is null)
        {
            return;
        }

        var filled = total == 0 ? Width : (int)((long)done * Width / total);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"  [{new string('#', filled)}{new string('.', Width - filled)}] {done:N0}/{total:N0} | auto {auto:N0} | to a person {toPerson:N0} | {virtualTime:ddd HH:mm}");
        console.Write("\r" + text.PadRight(_lastLength));
        _lastLength = text.Length;
        console.Flush();
    }

    public void Finish()
    {
        if (console is null)
        {
            return;
        }

        console.Write("\r" + new string(' ', _lastLength) + "\r");
        console.Flush();
    }
}
