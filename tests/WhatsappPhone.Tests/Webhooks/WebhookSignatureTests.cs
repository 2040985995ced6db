using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using WhatsappPhone.Webhooks;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests.Webhooks;

/// <summary>X-Hub-Signature-256 against vectors computed here with .NET's HMAC, not with the module's code.</summary>
public class WebhookSignatureTests
{
    private const string Secret = "7a8e1f0c2b3d4e5f6a7b8c9d0e1f2a3b";

    /// <summary>The header Meta would send: "sha256=" and the lowercase hex HMAC of the bytes.</summary>
    private static string Sign(byte[] body, string secret = Secret)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        return "sha256=" + Convert.ToHexString(hmac.ComputeHash(body)).ToLowerInvariant();
    }

    private static bool Valid(string body, string? header, string secret = Secret) =>
        WebhookSignature.IsValid(Encoding.UTF8.GetBytes(body), header, Secure(secret));

    [Theory]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[]}")]
    [InlineData("{\"text\":\"Café, naïve, 日本語, emoji 🎉\"}")]
    [InlineData("{\"email\":\"info@luckyshrub.example\",\"link\":\"https://example.com/a/b\"}")]
    [InlineData("{\"escaped\":\"https:\\/\\/example.com\\/a\",\"e\":\"caf\\u00e9 \\ud83c\\udf89\"}")]
    [InlineData("")]
    public void A_signature_of_the_exact_bytes_is_valid(string body) =>
        Assert.True(Valid(body, Sign(Encoding.UTF8.GetBytes(body))));

    [Fact]
    public void Every_fixture_signed_as_received_is_valid()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "webhooks"), "*.json"))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.True(WebhookSignature.IsValid(bytes, Sign(bytes), Secure(Secret)), file);
        }
    }

    [Fact]
    public void A_body_re_serialised_after_signing_no_longer_matches()
    {
        // What Meta signs keeps \/ and \u00e9 escapes; a parse-and-serialise round trip drops them.
        const string Received = "{\"link\":\"https:\\/\\/example.com\",\"name\":\"Caf\\u00e9\"}";
        var header = Sign(Encoding.UTF8.GetBytes(Received));
        var reserialised = System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(Received).RootElement,
            new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.NotEqual(Received, reserialised);
        Assert.True(Valid(Received, header));
        Assert.False(Valid(reserialised, header));
    }

    [Fact]
    public void Another_secret_or_one_changed_byte_is_invalid()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":1}");
        Assert.False(WebhookSignature.IsValid(body, Sign(body, "another-secret"), Secure(Secret)));
        var header = Sign(body).ToCharArray();
        header[^1] = header[^1] == '0' ? '1' : '0';
        Assert.False(WebhookSignature.IsValid(body, new string(header), Secure(Secret)));
        Assert.False(WebhookSignature.IsValid(Encoding.UTF8.GetBytes("{\"a\":2}"), Sign(body), Secure(Secret)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \t\n")]
    public void A_blank_app_secret_is_refused_never_a_match(string blank)
    {
        var body = Encoding.UTF8.GetBytes("{\"forged\":true}");
        var ex = Assert.Throws<ArgumentException>(() => WebhookSignature.IsValid(body, Sign(body, blank), Secure(blank)));
        Assert.Contains("empty or only whitespace", ex.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("sha256")]
    [InlineData("sha1=0a4d55a8d778e5022fab701977c5d840bbc486d0")]
    [InlineData("6f1c1cd6e2c2cbfb4e1e1a4f0e5a8f2b6d3c1b0a9e8d7c6b5a4f3e2d1c0b9a8f")]
    [InlineData("sha256=zz1c1cd6e2c2cbfb4e1e1a4f0e5a8f2b6d3c1b0a9e8d7c6b5a4f3e2d1c0b9a8f")]
    [InlineData("md5=6f1c1cd6e2c2cbfb4e1e1a4f0e5a8f2b")]
    public void A_missing_empty_or_malformed_header_is_false_not_an_exception(string? header) =>
        Assert.False(Valid("{}", header));

    [Fact]
    public void A_signature_of_the_wrong_length_or_with_padding_is_false()
    {
        var good = Sign(Encoding.UTF8.GetBytes("{}"));
        Assert.True(Valid("{}", good));
        Assert.False(Valid("{}", good.Substring(0, good.Length - 1)));
        Assert.False(Valid("{}", good + "0"));
        Assert.False(Valid("{}", " " + good));
        Assert.False(Valid("{}", good + "\n"));
        Assert.False(Valid("{}", "sha256=" + good.Substring(7, 32)));
    }

    [Fact]
    public void Constant_time_equality_compares_lengths_and_every_byte()
    {
        Assert.True(ConstantTime.Equal(new byte[] { 1, 2, 3 }, new byte[] { 1, 2, 3 }));
        Assert.False(ConstantTime.Equal(new byte[] { 1, 2, 3 }, new byte[] { 1, 2, 4 }));
        Assert.False(ConstantTime.Equal(new byte[] { 9, 2, 3 }, new byte[] { 1, 2, 3 }));
        Assert.False(ConstantTime.Equal(new byte[] { 1, 2 }, new byte[] { 1, 2, 3 }));
        Assert.True(ConstantTime.EqualText("verify-me", Secure("verify-me")));
        Assert.False(ConstantTime.EqualText("verify-m", Secure("verify-me")));
        Assert.False(ConstantTime.EqualText("", Secure("verify-me")));
    }
}
