using System;
using System.Collections.Generic;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using WhatsappPhone.Api;

namespace WhatsappPhone.Webhooks;

/// <summary>
/// Meta's X-Hub-Signature-256: "sha256=" and the lowercase hex HMAC-SHA256 of the raw body bytes,
/// keyed with the app secret. Anything else is simply not a valid signature: no exception.
/// </summary>
internal static class WebhookSignature
{
    public const string HeaderName = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";
    private const int MacBytes = 32;

    /// <summary>True only when <paramref name="header"/> is the signature of exactly these bytes. A blank secret is an ArgumentException, never a match.</summary>
    public static bool IsValid(byte[] body, string? header, SecureString appSecret)
    {
        if (body == null) throw new ArgumentNullException(nameof(body));
        if (appSecret == null) throw new ArgumentNullException(nameof(appSecret));
        if (!TryParse(header, out var given)) return false;
        var expected = Compute(body, appSecret);
        return ConstantTime.Equal(expected, given);
    }

    /// <summary>The HMAC-SHA256 of the body, keyed with the secret's UTF-8 bytes; an ArgumentException for a blank secret, which anyone could sign with.</summary>
    internal static byte[] Compute(byte[] body, SecureString appSecret)
    {
        var key = Array.Empty<byte>();
        try
        {
            Secrets.WithRevealed(appSecret, s =>
            {
                if (WebhookInput.CheckSecret(s) is { } problem) throw new ArgumentException(problem, nameof(appSecret));
                key = Encoding.UTF8.GetBytes(s);
            });
            using var hmac = new HMACSHA256(key);
            return hmac.ComputeHash(body);
        }
        finally
        {
            Array.Clear(key, 0, key.Length);
        }
    }

    /// <summary>
    /// True only when <paramref name="header"/> is the signature of exactly these bytes with this key
    /// (the app secret's UTF-8 bytes): for a listener that checks many bodies with one secret.
    /// </summary>
    internal static bool IsValid(byte[] body, string? header, byte[] key) =>
        IsValid(new[] { new ArraySegment<byte>(body) }, header, key);

    /// <summary>The same over a body in pieces, as a listener receives it: a forged body is refused without ever being put together.</summary>
    internal static bool IsValid(IEnumerable<ArraySegment<byte>> body, string? header, byte[] key)
    {
        if (!TryParse(header, out var given)) return false;
        using var hmac = new HMACSHA256(key);
        foreach (var piece in body) hmac.TransformBlock(piece.Array!, piece.Offset, piece.Count, null, 0);
        hmac.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        return ConstantTime.Equal(hmac.Hash, given);
    }

    /// <summary>The key <see cref="IsValid(byte[], string?, byte[])"/> takes; the caller clears it when done.</summary>
    internal static byte[] Key(SecureString appSecret)
    {
        var key = Array.Empty<byte>();
        Secrets.WithRevealed(appSecret, s => key = Encoding.UTF8.GetBytes(s));
        return key;
    }

    /// <summary>"sha256=" (any case) and exactly 64 hex digits (any case), nothing around them.</summary>
    internal static bool TryParse(string? header, out byte[] mac)
    {
        mac = Array.Empty<byte>();
        if (header == null || header.Length != Prefix.Length + 2 * MacBytes) return false;
        if (string.Compare(header, 0, Prefix, 0, Prefix.Length, StringComparison.OrdinalIgnoreCase) != 0) return false;
        var bytes = new byte[MacBytes];
        for (var i = 0; i < MacBytes; i++)
        {
            var hi = HexValue(header[Prefix.Length + 2 * i]);
            var lo = HexValue(header[Prefix.Length + 2 * i + 1]);
            if (hi < 0 || lo < 0) return false;
            bytes[i] = (byte)((hi << 4) | lo);
        }
        mac = bytes;
        return true;
    }

    private static int HexValue(char c) =>
        c >= '0' && c <= '9' ? c - '0'
        : c >= 'a' && c <= 'f' ? c - 'a' + 10
        : c >= 'A' && c <= 'F' ? c - 'A' + 10
        : -1;
}

/// <summary>Comparisons whose time does not depend on where the inputs differ (netstandard2.0 has no FixedTimeEquals).</summary>
internal static class ConstantTime
{
    /// <summary>Equal length and equal bytes; every byte is compared whatever the first difference.</summary>
    public static bool Equal(byte[] a, byte[] b)
    {
        if (a == null || b == null || a.Length != b.Length) return false;
        var diff = 0;
        for (var i = 0; i < a.Length; i++) diff |= a[i] ^ b[i];
        return diff == 0;
    }

    /// <summary>
    /// Two secrets' texts compared through their SHA-256, so neither the place of the first
    /// difference nor the length of the expected secret shows in the time taken.
    /// </summary>
    public static bool EqualText(string given, SecureString expected)
    {
        using var sha = SHA256.Create();
        var givenHash = sha.ComputeHash(Encoding.UTF8.GetBytes(given));
        var expectedHash = Array.Empty<byte>();
        Secrets.WithRevealed(expected, s =>
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            expectedHash = sha.ComputeHash(bytes);
            Array.Clear(bytes, 0, bytes.Length);
        });
        return Equal(givenHash, expectedHash);
    }
}
