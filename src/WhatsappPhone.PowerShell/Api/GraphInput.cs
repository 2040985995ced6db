using System;
using System.Net;
using System.Text.RegularExpressions;

namespace WhatsappPhone.Api;

/// <summary>
/// Checks every value that ends up in a request, before the request exists: a bad value is a
/// clear ArgumentException, never a request the API has to reject (or a path it misreads).
/// </summary>
internal static class GraphInput
{
    public const string DefaultApiVersion = "v25.0";
    public const string DefaultBaseUri = "https://graph.facebook.com";
    public const int MaxIdLength = 32;

    // [0-9], not \d (which takes Arabic-Indic and full-width digits), and \z, not $ (which allows a final line break).
    private static readonly Regex Version = new Regex(@"^v[0-9]{1,3}\.[0-9]{1,3}\z", RegexOptions.CultureInvariant);
    private static readonly Regex Language = new Regex(@"^[a-z]{2,3}(_[A-Z]{2})?\z", RegexOptions.CultureInvariant);
    private static readonly Regex LooksLikePhoneNumber = new Regex(@"^\s*\+|\d[\s\-().]+\d", RegexOptions.CultureInvariant);

    /// <summary>A Graph object ID of the given kind: 1 to 32 ASCII digits.</summary>
    public static string RequireId(string? value, IdKind kind, string paramName) => Require(value, CheckId(value, kind), paramName);

    /// <summary>Why <paramref name="value"/> is not an ID of this kind, or null when it is one.</summary>
    public static string? CheckId(string? value, IdKind kind)
    {
        var what = kind.Describe();
        if (string.IsNullOrEmpty(value)) return $"A {what} is required; an empty value was given.";
        var id = value!;
        if (IsAsciiDigits(id) && id.Length <= MaxIdLength) return null;
        if (LooksLikePhoneNumber.IsMatch(id) && CountDigits(id) >= 6)
        {
            return $"'{id}' looks like a phone number, but a {what} is needed (a numeric ID such as 107878721936019). " +
                "Find it with Get-WaPhoneNumber on the WhatsApp Business Account, or in WhatsApp Manager under Phone numbers.";
        }

        if (IsAsciiDigits(id)) return $"A {what} has at most {MaxIdLength} digits; the value given has {id.Length}.";
        return $"A {what} is made of the digits 0-9 only (such as 107878721936019); '{Shorten(id)}' is not.";
    }

    /// <summary>The two-step verification PIN: exactly six ASCII digits, kept as a string so leading zeros survive.</summary>
    public static void RequirePin(string? pin, string paramName) => Require(pin, CheckPin(pin), paramName);

    /// <summary>Why <paramref name="pin"/> is not a PIN, or null. The message never repeats the value: a PIN is a secret even when it is wrong.</summary>
    public static string? CheckPin(string? pin) =>
        pin == null || pin.Length == 0 ? "A PIN is required: six digits, such as '024680'."
        : pin.Length != 6 ? $"The PIN must be exactly six digits; the value given has {pin.Length} characters. " +
            "Pass it as a quoted string so leading zeros survive ('024680', not 024680)."
        : !IsAsciiDigits(pin) ? "The PIN must be six ASCII digits 0-9, with no spaces, letters or other characters."
        : null;

    /// <summary>
    /// The code from request_code: exactly six ASCII digits, as a string, like the PIN: a code typed
    /// without quotes (-Code 012345) reaches the cmdlet as the number 12345, and is refused rather
    /// than sent without its zero. The message never repeats it.
    /// </summary>
    public static void RequireVerificationCode(string? code, string paramName) => Require(code, CheckVerificationCode(code), paramName);

    /// <summary>Why <paramref name="code"/> is not a verification code, or null.</summary>
    public static string? CheckVerificationCode(string? code) =>
        code == null || code.Length == 0 ? "A verification code is required: the six digits sent by SMS or voice call."
        : code.Length != 6 ? $"The verification code is exactly six digits; the value given has {code.Length} characters. " +
            "Pass it as a quoted string so leading zeros survive ('098765', not 098765)."
        : !IsAsciiDigits(code) ? "The verification code is the six digits sent by SMS or voice call, with no spaces or other characters."
        : null;

    /// <summary>A language code such as en_US or pt_BR for request_code.</summary>
    public static string RequireLanguage(string? language, string paramName) => Require(language, CheckLanguage(language), paramName);

    public static string? CheckLanguage(string? language) =>
        language != null && Language.IsMatch(language) ? null : $"'{language}' is not a language code; give one such as en_US, es_ES or pt_BR.";

    private static string Require(string? value, string? problem, string paramName) => problem == null ? value! : throw new ArgumentException(problem, paramName);

    public static string RequireApiVersion(string? version, string paramName)
    {
        if (version != null && Version.IsMatch(version)) return version;
        throw new ArgumentException(
            $"'{version}' is not a Graph API version. Give it as v<major>.<minor>, such as {DefaultApiVersion}.", paramName);
    }

    /// <summary>
    /// An absolute https URI, or http to a loopback host (the local emulator). Tokens never travel in
    /// clear text elsewhere. No user name or password (Graph takes the token alone, and a password
    /// there would be shown wherever the URI is), and no query or fragment (they would be dropped).
    /// </summary>
    public static Uri RequireBaseUri(string? value, string paramName)
    {
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc)
        {
            throw new ArgumentException(
                $"'{WithoutUserInfo(value)}' is not an absolute URI. Give the Graph API root, such as {DefaultBaseUri}.", paramName);
        }

        if (uri.UserInfo.Length > 0)
        {
            throw new ArgumentException(
                $"The base URI must not carry a user name or password ({uri.Scheme}://***@{uri.Authority}): Graph authenticates with the access token alone. Give the API root, such as {DefaultBaseUri}.",
                paramName);
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || value!.IndexOf('?') >= 0 || value.IndexOf('#') >= 0)
        {
            throw new ArgumentException(
                $"The base URI must not have a query or fragment ('?...' or '#...'): requests would drop it. Give the API root only, such as {DefaultBaseUri}.",
                paramName);
        }

        if (uri.Scheme == Uri.UriSchemeHttps) return uri;
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            if (IsLoopback(uri)) return uri;
            throw new ArgumentException(
                $"Plain http is allowed only to this machine (localhost, 127.0.0.1, ::1), for the local emulator; use https for {uri.Host}.",
                paramName);
        }
        throw new ArgumentException($"The base URI must use https (or http to localhost); '{uri.Scheme}' is not supported.", paramName);
    }

    /// <summary>An explicit proxy: absolute http or https. Its user name and password are kept for use, never shown.</summary>
    public static Uri RequireProxy(Uri? proxy, string paramName)
    {
        if (proxy != null && proxy.IsAbsoluteUri && (proxy.Scheme == Uri.UriSchemeHttp || proxy.Scheme == Uri.UriSchemeHttps)) return proxy;
        throw new ArgumentException(
            $"The proxy must be an absolute http or https URI, such as http://proxy.example.com:8080; '{WithoutUserInfo(proxy?.OriginalString)}' is not.", paramName);
    }

    /// <summary>A URI fit to show: a user name and password become ***.</summary>
    public static string? WithoutUserInfo(string? uri) =>
        uri == null ? null : UserInfo.Replace(uri, "$1***@");

    // Anchored on "//" (or the start), never on a scheme pattern: linear even over a server's 5 MB message.
    private static readonly Regex UserInfo = new Regex(@"(^|//)[^/?#@\s]*@", RegexOptions.CultureInvariant);

    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static bool IsAsciiDigits(string s)
    {
        foreach (var c in s) if (c < '0' || c > '9') return false;
        return s.Length > 0;
    }

    private static int CountDigits(string s)
    {
        var n = 0;
        foreach (var c in s) if (c >= '0' && c <= '9') n++;
        return n;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s.Substring(0, 40) + "…";
}
