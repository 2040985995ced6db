using System;

namespace WhatsappPhone.Api;

/// <summary>Checks a webhook callback and verify token before any request is made.</summary>
internal static class WebhookInput
{
    /// <summary>
    /// An absolute https URL, as Meta requires; plain http only to this machine (localhost, 127.0.0.1,
    /// ::1), where the local emulator and test listeners run. No user name or password in it.
    /// </summary>
    public static Uri RequireCallbackUri(string? value, string paramName)
    {
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc)
            throw new ArgumentException($"'{Shorten(value)}' is not an absolute URL. Give the webhook endpoint, such as https://example.com/whatsapp/webhook.", paramName);
        if (uri.UserInfo.Length > 0)
            throw new ArgumentException("The callback URL must not carry a user name or password: Meta would show it to everyone who can read the subscription.", paramName);
        if (uri.Fragment.Length > 0)
            throw new ArgumentException("The callback URL must not have a #fragment: it is never sent to the server.", paramName);
        if (uri.Scheme == Uri.UriSchemeHttps) return uri;
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            if (GraphInput.IsLoopback(uri)) return uri;
            throw new ArgumentException($"Meta calls webhooks only over https; use https://{uri.Authority}{uri.PathAndQuery}. Plain http is allowed only to this machine (localhost, 127.0.0.1, ::1), for the local emulator.", paramName);
        }
        throw new ArgumentException($"The callback URL must use https; '{uri.Scheme}' is not supported.", paramName);
    }

    /// <summary>The verify token Meta sends back in the handshake: any non-empty text. The message never repeats it.</summary>
    public static void RequireVerifyToken(string? token, string paramName)
    {
        if (string.IsNullOrEmpty(token))
            throw new ArgumentException("A verify token is required: the text your endpoint expects in hub.verify_token.", paramName);
    }

    /// <summary>The URL for messages: scheme, host and path; the query (which may hold a function key) is left out.</summary>
    public static string ForDisplay(Uri uri) =>
        uri.GetLeftPart(UriPartial.Path) + (uri.Query.Length > 1 ? "?…" : "");

    private static string Shorten(string? s) => s == null ? "" : s.Length <= 60 ? s : s.Substring(0, 60) + "…";
}
