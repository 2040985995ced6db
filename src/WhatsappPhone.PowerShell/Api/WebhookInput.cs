using System;
using System.Security;

namespace WhatsappPhone.Api;

/// <summary>Checks a webhook callback, verify token and app secret before any request is made or any signature checked.</summary>
internal static class WebhookInput
{
    /// <summary>
    /// An absolute https URL, as Meta requires; plain http only to this machine (localhost, 127.0.0.1,
    /// ::1), where the local emulator and test listeners run. No user name or password in it.
    /// </summary>
    public static Uri RequireCallbackUri(string? value, string paramName)
    {
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc)
            throw new ArgumentException($"'{Shorten(ForDisplay(value))}' is not an absolute URL. Give the webhook endpoint, such as https://example.com/whatsapp/webhook.", paramName);
        if (uri.UserInfo.Length > 0)
            throw new ArgumentException("The callback URL must not carry a user name or password: Meta would show it to everyone who can read the subscription.", paramName);
        if (uri.Fragment.Length > 0)
            throw new ArgumentException("The callback URL must not have a #fragment: it is never sent to the server.", paramName);
        if (uri.Scheme == Uri.UriSchemeHttps) return uri;
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            if (GraphInput.IsLoopback(uri)) return uri;
            throw new ArgumentException($"Meta calls webhooks only over https; use {ForDisplay("https://" + uri.Authority + uri.PathAndQuery)}. Plain http is allowed only to this machine (localhost, 127.0.0.1, ::1), for the local emulator.", paramName);
        }
        throw new ArgumentException($"The callback URL must use https; '{uri.Scheme}' is not supported.", paramName);
    }

    /// <summary>The verify token Meta sends back in the handshake: any text but blank (<see cref="CheckSecret"/>). The message never repeats it.</summary>
    public static void RequireVerifyToken(string? token, string paramName)
    {
        if (CheckSecret(token) is { } problem) throw new ArgumentException(problem, paramName);
    }

    /// <summary>
    /// The one rule for app secrets and verify tokens: some text that is not whitespace. An HMAC keyed
    /// with nothing is one anyone can compute, and an empty verify token matches a handshake that sends
    /// none. The problem, or null; it never repeats the value.
    /// </summary>
    public static string? CheckSecret(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? "The app secret or verify token is empty or only whitespace: with it anyone could sign a notification or answer the handshake. Give the value from the App Dashboard (an empty environment variable or file gives this)."
            : null;

    /// <summary>
    /// An app secret or verify token with its surrounding whitespace trimmed, as a new read-only
    /// SecureString (a secret read from a file ends with a line break, and every signature failed);
    /// an ArgumentException when nothing is left (<see cref="CheckSecret"/>).
    /// </summary>
    public static SecureString TrimSecret(SecureString secret, string paramName)
    {
        SecureString? trimmed = null;
        Secrets.WithRevealed(secret, value =>
        {
            var text = value.Trim();
            if (CheckSecret(text) is { } problem) throw new ArgumentException(problem, paramName);
            trimmed = Secrets.ToSecureString(text);
        });
        return trimmed!;
    }

    /// <summary>
    /// A callback URL as it is shown anywhere (messages, -WhatIf, the objects read back from Graph):
    /// its query, which may hold a key (Azure Functions' ?code=), as "?…", no fragment, and a user
    /// name or password as ***. Requests send the whole URL.
    /// </summary>
    public static string? ForDisplay(string? url)
    {
        if (url == null) return null;
        var end = url.IndexOfAny(QueryOrFragment);
        return GraphInput.WithoutUserInfo(end < 0 ? url : url.Substring(0, end) + (url[end] == '?' ? "?…" : ""));
    }

    private static readonly char[] QueryOrFragment = { '?', '#' };

    private static string Shorten(string? s) => s == null ? "" : s.Length <= 60 ? s : s.Substring(0, 60) + "…";
}
