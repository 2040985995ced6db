using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace WhatsappPhone.Webhooks.Http;

/// <summary>
/// A request line and its headers, as the client sent them: every value of a header is kept (two
/// X-Hub-Signature-256 headers are two values, not the last one), so a caller can refuse what is
/// ambiguous. Parsed strictly: what HTTP/1.1 does not allow is a <see cref="HttpProtocolException"/>.
/// </summary>
internal sealed class HttpRequestHead
{
    private readonly Dictionary<string, List<string>> _headers = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);

    private HttpRequestHead(string method, string target, int minorVersion)
    {
        Method = method;
        Target = target;
        MinorVersion = minorVersion;
        var query = target.IndexOf('?');
        Path = query < 0 ? target : target.Substring(0, query);
        Query = query < 0 ? "" : target.Substring(query + 1);
    }

    public string Method { get; }
    /// <summary>The request target as sent: the path and the query.</summary>
    public string Target { get; }
    /// <summary>The path, still percent-encoded.</summary>
    public string Path { get; }
    /// <summary>The query without '?', still percent-encoded.</summary>
    public string Query { get; }
    /// <summary>1 for HTTP/1.1, 0 for HTTP/1.0.</summary>
    public int MinorVersion { get; }

    /// <summary>The declared body length; null for a chunked body or none.</summary>
    public long? ContentLength { get; private set; }
    public bool Chunked { get; private set; }
    public bool HasBody => Chunked || ContentLength > 0;

    /// <summary>Whether the connection stays open after the answer (HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "keep-alive").</summary>
    public bool KeepAlive { get; private set; }

    /// <summary>The client waits for "100 Continue" before it sends the body.</summary>
    public bool ExpectsContinue { get; private set; }

    /// <summary>Every value of a header, in the order sent; empty when it was not sent.</summary>
    public IReadOnlyList<string> Values(string name) => _headers.TryGetValue(name, out var values) ? values : (IReadOnlyList<string>)Array.Empty<string>();

    /// <summary>Reads the head from its bytes (up to, not including, the empty line).</summary>
    public static HttpRequestHead Parse(byte[] buffer, int offset, int count)
    {
        // Latin-1: every byte is one char, so nothing is lost or invented before the checks below.
        var text = Latin1(buffer, offset, count);
        var lines = text.Split(new[] { "\r\n" }, StringSplitOptions.None);
        var head = ParseRequestLine(lines[0]);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0) continue;
            if (line[0] == ' ' || line[0] == '\t') throw new HttpProtocolException(400, "a folded header line");
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new HttpProtocolException(400, "a header line without a name");
            var name = line.Substring(0, colon);
            if (!IsToken(name)) throw new HttpProtocolException(400, "a header name that is not a token");
            var value = line.Substring(colon + 1).Trim(' ', '\t');
            foreach (var ch in value)
                if (ch < 0x20 && ch != '\t' || ch == 0x7f) throw new HttpProtocolException(400, "a control character in a header value");
            if (!head._headers.TryGetValue(name, out var values)) head._headers[name] = values = new List<string>(1);
            values.Add(value);
        }
        head.Complete();
        return head;
    }

    private static HttpRequestHead ParseRequestLine(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || !IsToken(parts[0]) || parts[1].Length == 0)
            throw new HttpProtocolException(400, "a malformed request line");
        if (parts[1][0] != '/') throw new HttpProtocolException(400, "a request target that is not a path");
        foreach (var ch in parts[1])
            if (ch <= 0x20 || ch >= 0x7f) throw new HttpProtocolException(400, "a request target with a character URLs do not have");
        var version = parts[2];
        if (version.Length != 8 || !version.StartsWith("HTTP/", StringComparison.Ordinal) || version[6] != '.' || version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9')
            throw new HttpProtocolException(400, "a malformed HTTP version");
        if (version[5] != '1') throw new HttpProtocolException(505, "an HTTP version other than 1.x");
        return new HttpRequestHead(parts[0], parts[1], version[7] - '0');
    }

    private void Complete()
    {
        if (MinorVersion >= 1 && Values("Host").Count != 1) throw new HttpProtocolException(400, "no single Host header");

        var connection = string.Join(",", Values("Connection")).ToLowerInvariant();
        KeepAlive = MinorVersion >= 1 ? !HasToken(connection, "close") : HasToken(connection, "keep-alive");

        var encodings = Values("Transfer-Encoding");
        var lengths = Values("Content-Length");
        if (encodings.Count > 0)
        {
            // A length beside an encoding is how requests are smuggled past proxies: refuse it.
            if (lengths.Count > 0) throw new HttpProtocolException(400, "both Transfer-Encoding and Content-Length");
            if (encodings.Count != 1 || !string.Equals(encodings[0], "chunked", StringComparison.OrdinalIgnoreCase))
                throw new HttpProtocolException(501, "a transfer encoding other than chunked");
            Chunked = true;
        }
        else if (lengths.Count > 0)
        {
            if (lengths.Count != 1 || !long.TryParse(lengths[0], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                throw new HttpProtocolException(400, "a Content-Length that is not one number");
            ContentLength = length;
        }

        var expect = Values("Expect");
        if (expect.Count > 0)
        {
            if (expect.Count != 1 || !string.Equals(expect[0], "100-continue", StringComparison.OrdinalIgnoreCase))
                throw new HttpProtocolException(417, "an expectation other than 100-continue");
            ExpectsContinue = MinorVersion >= 1;
        }
    }

    private static bool HasToken(string list, string token)
    {
        foreach (var part in list.Split(','))
            if (part.Trim() == token) return true;
        return false;
    }

    private static bool IsToken(string s)
    {
        foreach (var ch in s)
            if (ch <= 0x20 || ch >= 0x7f || "()<>@,;:\\\"/[]?={}".IndexOf(ch) >= 0) return false;
        return s.Length > 0;
    }

    internal static string Latin1(byte[] buffer, int offset, int count)
    {
        var chars = new char[count];
        for (var i = 0; i < count; i++) chars[i] = (char)buffer[offset + i];
        return new string(chars);
    }

    /// <summary>The query's parameters, percent-decoded ('+' is a space); a name given twice keeps every value.</summary>
    public Dictionary<string, List<string>> QueryParameters()
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in Query.Split('&'))
        {
            if (pair.Length == 0) continue;
            var eq = pair.IndexOf('=');
            var name = Decode(eq < 0 ? pair : pair.Substring(0, eq));
            var value = eq < 0 ? "" : Decode(pair.Substring(eq + 1));
            if (!result.TryGetValue(name, out var values)) result[name] = values = new List<string>(1);
            values.Add(value);
        }
        return result;
    }

    private static string Decode(string s)
    {
        var bytes = new List<byte>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var ch = s[i];
            if (ch == '+') bytes.Add((byte)' ');
            else if (ch == '%' && i + 2 < s.Length && IsHex(s[i + 1]) && IsHex(s[i + 2]))
            {
                bytes.Add((byte)Convert.ToInt32(s.Substring(i + 1, 2), 16));
                i += 2;
            }
            else bytes.Add((byte)ch);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsHex(char c) => c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
}

/// <summary>A request the server answers itself with <see cref="Status"/> and closes the connection: it cannot be read safely.</summary>
internal sealed class HttpProtocolException : Exception
{
    public HttpProtocolException(int status, string what) : base($"The request has {what}.") => Status = status;

    public int Status { get; }
}
