using System.Text;

namespace WhatsappPhone.Api;

/// <summary>
/// Text a server sent, made safe to show: terminal control sequences (an OSC can retitle the
/// window, a CSI clear the screen) and control characters removed, and anything huge shortened.
/// Every server string on an output object or an error passes through here.
/// </summary>
internal static class ServerText
{
    /// <summary>The most characters kept of one server string; Graph's own texts are far shorter.</summary>
    public const int MaxLength = 2000;

    private const char Esc = '\u001b', Bel = '\u0007', C1Csi = '\u009b', C1St = '\u009c';

    /// <summary>
    /// Removes escape sequences (CSI, OSC, DCS, APC, PM, SOS, both the ESC and the C1 forms), other
    /// C0/C1 controls and bidirectional overrides; tabs and line breaks become spaces, so a value stays on its line.
    /// </summary>
    public static string? Clean(string? s)
    {
        if (s == null || !NeedsCleaning(s)) return s;
        var text = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == Esc && i + 1 < s.Length)
            {
                var kind = s[++i];
                if (kind == '[') i = SkipCsi(s, i + 1);
                else if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') i = SkipString(s, i + 1);
                else if (kind >= ' ' && kind <= '/') i = SkipIntermediates(s, i);
                else if (kind < '0' || kind > '~') i--; // not a sequence: drop the ESC alone, look at this character again
            }
            else if (c == C1Csi)
            {
                i = SkipCsi(s, i + 1);
            }
            else if (c == '\u0090' || c == '\u0098' || c == '\u009d' || c == '\u009e' || c == '\u009f')
            {
                i = SkipString(s, i + 1);
            }
            else if (c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
            {
                text.Append(' ');
            }
            else if (!IsUnsafe(c))
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// At most <paramref name="max"/> characters: the start and the end of the text (where advice and
    /// codes tend to be), with how much was left out between them. Never splits a surrogate pair.
    /// </summary>
    public static string? Shorten(string? s, int max = MaxLength)
    {
        if (s == null || s.Length <= max) return s;
        var marker = $" … [{s.Length:N0} characters left out] … "; // the longest the count can be
        var room = max - marker.Length;
        var head = room * 3 / 4;
        var tail = room - head;
        if (head > 0 && char.IsHighSurrogate(s[head - 1])) head--;
        if (tail > 0 && char.IsLowSurrogate(s[s.Length - tail])) tail--;
        marker = $" … [{s.Length - head - tail:N0} characters left out] … ";
        return s.Substring(0, head) + marker + s.Substring(s.Length - tail);
    }

    private static bool NeedsCleaning(string s)
    {
        foreach (var c in s) if (IsUnsafe(c)) return true;
        return false;
    }

    private static bool IsUnsafe(char c) =>
        c < ' ' || (c >= '\u007f' && c <= '\u009f')
        || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');

    /// <summary>Parameters and intermediates, then one final byte: the index of that final byte.</summary>
    private static int SkipCsi(string s, int i)
    {
        while (i < s.Length && s[i] >= ' ' && s[i] <= '?') i++;
        return i < s.Length && s[i] >= '@' && s[i] <= '~' ? i : i - 1;
    }

    /// <summary>A string sequence runs to BEL, ESC \ or ST: the index of its last character (the end if unterminated).</summary>
    private static int SkipString(string s, int i)
    {
        for (; i < s.Length; i++)
        {
            if (s[i] == Bel || s[i] == C1St) return i;
            if (s[i] == Esc && i + 1 < s.Length && s[i + 1] == '\\') return i + 1;
        }
        return s.Length - 1;
    }

    /// <summary>ESC, intermediates (such as "(" in ESC ( B), then one final character.</summary>
    private static int SkipIntermediates(string s, int i)
    {
        while (i < s.Length && s[i] >= ' ' && s[i] <= '/') i++;
        return i < s.Length && s[i] >= '0' && s[i] <= '~' ? i : i - 1;
    }
}
