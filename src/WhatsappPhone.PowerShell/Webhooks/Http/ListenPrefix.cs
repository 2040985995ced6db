using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WhatsappPhone.Webhooks.Http;

/// <summary>
/// An HttpListener-style prefix (http://+:8080/hook/) read as what to bind and what to serve:
/// '+' or '*' is every address, localhost the loopback address, an IP address itself, and any
/// other name every address with requests for another Host refused.
/// </summary>
internal sealed class ListenPrefix
{
    private ListenPrefix(string text, bool https, IPAddress address, int port, string? hostName, string path)
    {
        Text = text;
        Https = https;
        Address = address;
        Port = port;
        HostName = hostName;
        Path = path;
    }

    public string Text { get; }
    public bool Https { get; }
    public IPAddress Address { get; }
    public int Port { get; }
    /// <summary>The Host requests must name; null for any.</summary>
    public string? HostName { get; }
    /// <summary>The path served, without its trailing '/'.</summary>
    public string Path { get; }

    /// <summary>Reads a prefix; an ArgumentException says what to give instead.</summary>
    public static ListenPrefix Parse(string prefix)
    {
        var schemeEnd = prefix.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd < 0 ? "" : prefix.Substring(0, schemeEnd).ToLowerInvariant();
        if (scheme != "http" && scheme != "https")
            throw new ArgumentException($"'{prefix}' is not an http:// or https:// prefix such as http://127.0.0.1:8080/hook/.");
        if (!prefix.EndsWith("/", StringComparison.Ordinal))
            throw new ArgumentException($"A listener prefix ends with '/': give '{prefix}/'.");
        if (prefix.IndexOfAny(new[] { '?', '#' }) >= 0)
            throw new ArgumentException($"A listener prefix has no query or fragment: '{prefix}'.");
        var rest = prefix.Substring(schemeEnd + 3);
        var slash = rest.IndexOf('/');
        var authority = rest.Substring(0, slash);
        var path = rest.Substring(slash).TrimEnd('/');
        if (authority.IndexOf('@') >= 0) throw new ArgumentException("A listener prefix has no user name or password.");

        string host;
        var port = scheme == "https" ? 443 : 80;
        var portText = "";
        if (authority.StartsWith("[", StringComparison.Ordinal))
        {
            var close = authority.IndexOf(']');
            if (close < 0) throw new ArgumentException($"'{prefix}' has an IPv6 address without its closing ']'.");
            host = authority.Substring(0, close + 1);
            portText = authority.Length > close + 1 && authority[close + 1] == ':' ? authority.Substring(close + 2) : authority.Substring(close + 1);
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority.Substring(0, colon);
            portText = colon < 0 ? "" : authority.Substring(colon + 1);
        }
        if (portText.Length > 0 && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port < 1 || port > 65535))
            throw new ArgumentException($"'{prefix}' has no valid port (1 to 65535).");
        if (host.Length == 0) throw new ArgumentException($"'{prefix}' has no host: give one such as 127.0.0.1, localhost or + (every address).");

        IPAddress address;
        string? hostName = null;
        if (host == "+" || host == "*") address = Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any;
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) address = IPAddress.Loopback;
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) address = ip;
        else
        {
            address = Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any;
            hostName = host;
        }
        return new ListenPrefix(prefix, scheme == "https", address, port, hostName, path);
    }

    /// <summary>Whether a request's path (as sent) is the one served: the same, with or without a trailing '/'.</summary>
    public bool Serves(string requestPath) => string.Equals(requestPath.TrimEnd('/'), Path, StringComparison.Ordinal);
}
