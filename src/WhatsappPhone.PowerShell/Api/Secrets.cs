using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text.RegularExpressions;

namespace WhatsappPhone.Api;

/// <summary>The one place secrets are made, revealed and kept out of text: tokens, PINs, verification codes.</summary>
internal static class Secrets
{
    private static readonly Regex SecretQuery = new Regex(@"(?i)\b(access_token|pin|code|appsecret_proof)=[^&#]*", RegexOptions.CultureInvariant);

    public static SecureString ToSecureString(string value)
    {
        var secure = new SecureString();
        foreach (var c in value) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    /// <summary>Hands a secret to <paramref name="use"/> as a string for as short a time as possible.</summary>
    public static void WithRevealed(SecureString secret, Action<string> use)
    {
        var ptr = IntPtr.Zero;
        try
        {
            ptr = Marshal.SecureStringToGlobalAllocUnicode(secret);
            use(Marshal.PtrToStringUni(ptr) ?? "");
        }
        finally
        {
            if (ptr != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(ptr);
        }
    }

    /// <summary>A URL fit for logs and messages: secrets in its query are replaced.</summary>
    public static string Redact(string url) => SecretQuery.Replace(url, "$1=***");
}
