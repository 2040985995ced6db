using System;
using System.Security;
using WhatsappPhone.Api;

namespace WhatsappPhone.Connection;

/// <summary>
/// One rule for every token, wherever it comes from (the parameter, a string or a SecureString, or
/// the environment variable): surrounding whitespace is trimmed (Get-Content -Raw leaves a line
/// break), and what is left must be one unbroken run of visible ASCII, as an HTTP header needs.
/// Messages describe the problem, never the token.
/// </summary>
internal static class AccessTokens
{
    /// <summary>The token trimmed, as a new read-only SecureString; an ArgumentException when it cannot be a token.</summary>
    public static SecureString Normalize(SecureString token, string source)
    {
        SecureString? result = null;
        Secrets.WithRevealed(token, value =>
        {
            var trimmed = value.Trim();
            if (trimmed.Length == 0)
                throw new ArgumentException($"The access token from {source} is empty (nothing but whitespace was given).", source);
            for (var i = 0; i < trimmed.Length; i++)
            {
                var c = trimmed[i];
                if (c > '~')
                {
                    throw new ArgumentException(
                        $"The access token from {source} contains a non-ASCII character (character {i + 1} of {trimmed.Length}), such as a smart quote " +
                        "or a non-breaking space from a copied document or chat. Tokens are plain ASCII: copy it again from Meta's Business Settings or developer console.", source);
                }

                if (c <= ' ')
                {
                    throw new ArgumentException(
                        $"The access token from {source} has a space, tab, line break or control character inside it (character {i + 1} of {trimmed.Length}); " +
                        "a token is one unbroken string. Check how it was copied or read.", source);
                }
            }
            result = Secrets.ToSecureString(trimmed);
        });
        return result!;
    }
}
