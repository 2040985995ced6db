using System;
using WhatsappPhone.Api;
using Xunit;

namespace WhatsappPhone.Tests;

/// <summary>Bad input is refused with a specific message before a request exists.</summary>
public class InputValidationTests
{
    [Theory]
    [InlineData("107878721936019")]
    [InlineData("123123")]
    [InlineData("1")]
    [InlineData("12345678901234567890123456789012")]
    public void Digit_ids_up_to_32_long_are_accepted_even_short_ones(string id) =>
        Assert.Equal(id, GraphInput.RequireId(id, IdKind.PhoneNumber, "id"));

    [Theory]
    [InlineData("", "required")]
    [InlineData("abc", "digits 0-9 only")]
    [InlineData("../x", "digits 0-9 only")]
    [InlineData("123/register", "digits 0-9 only")]
    [InlineData("123456789012345678901234567890123", "at most 32 digits")]
    [InlineData("+1 555-093-4873", "looks like a phone number")]
    [InlineData("15550934873 ", "digits 0-9 only")]
    [InlineData("１２３", "digits 0-9 only")]
    public void Bad_ids_get_a_message_saying_what_is_wrong(string id, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => GraphInput.RequireId(id, IdKind.PhoneNumber, "id"));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void A_phone_number_given_as_an_id_says_where_to_find_the_id()
    {
        var ex = Assert.Throws<ArgumentException>(() => GraphInput.RequireId("+1 555-093-4873", IdKind.PhoneNumber, "id"));
        Assert.Contains("Get-WaPhoneNumber", ex.Message);
        Assert.Contains("WhatsApp Manager", ex.Message);
    }

    [Fact]
    public void A_400_digit_id_is_refused_without_echoing_it_all()
    {
        var ex = Assert.Throws<ArgumentException>(() => GraphInput.RequireId(new string('7', 400), IdKind.PhoneNumber, "id"));
        Assert.True(ex.Message.Length < 300);
    }

    [Theory]
    [InlineData("v25.0")]
    [InlineData("v19.0")]
    [InlineData("v26.0")]
    public void Versions_of_the_form_vN_N_are_accepted(string v) => Assert.Equal(v, GraphInput.RequireApiVersion(v, "v"));

    [Theory]
    [InlineData("latest")]
    [InlineData("25")]
    [InlineData("v25")]
    [InlineData("25.0")]
    [InlineData("")]
    public void Other_versions_are_refused_with_an_example(string v)
    {
        var ex = Assert.Throws<ArgumentException>(() => GraphInput.RequireApiVersion(v, "v"));
        Assert.Contains("v25.0", ex.Message);
    }

    [Theory]
    [InlineData("https://graph.facebook.com")]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://localhost:5000/")]
    [InlineData("http://[::1]:5000")]
    public void Https_anywhere_and_http_to_loopback_are_accepted(string uri) => Assert.NotNull(GraphInput.RequireBaseUri(uri, "b"));

    [Theory]
    [InlineData("http://graph.facebook.com", "only to this machine")]
    [InlineData("http://10.0.0.5", "only to this machine")]
    [InlineData("ftp://graph.facebook.com", "https")]
    [InlineData("graph.facebook.com/v25.0", "absolute")]
    [InlineData("/relative", "absolute")]
    public void Other_base_uris_are_refused(string uri, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => GraphInput.RequireBaseUri(uri, "b"));
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("012345")]
    [InlineData("999999")]
    public void Six_ascii_digits_are_a_pin(string pin) => GraphInput.RequirePin(pin, "pin");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("abcdef")]
    [InlineData("12 456")]
    [InlineData("１２３４５６")]
    [InlineData(" 123456")]
    [InlineData("123456 ")]
    public void Anything_else_is_not_a_pin_and_the_message_does_not_repeat_it(string? pin)
    {
        var ex = Assert.Throws<ArgumentException>(() => GraphInput.RequirePin(pin, "pin"));
        Assert.Contains("PIN", ex.Message);
        if (!string.IsNullOrWhiteSpace(pin)) Assert.DoesNotContain(pin.Trim(), ex.Message);
    }

    // Versions and language codes: ASCII only, and nothing after the end (a trailing line break included).
    [Theory]
    [InlineData("v\u0662\u0665.\u0660")]   // Arabic-Indic digits
    [InlineData("v\uff12\uff15.0")]        // full-width digits
    [InlineData("v25.0\n")]
    [InlineData("v25.0\r\n")]
    [InlineData("v25.0 ")]
    public void An_api_version_in_non_ascii_digits_or_with_anything_after_it_is_refused(string version)
    {
        var ex = Assert.Throws<ArgumentException>(() => GraphInput.RequireApiVersion(version, "ApiVersion"));
        Assert.Contains("v<major>.<minor>", ex.Message);
    }

    [Theory]
    [InlineData("v25.0")]
    [InlineData("v9.1")]
    public void A_plain_api_version_passes(string version) => Assert.Equal(version, GraphInput.RequireApiVersion(version, "ApiVersion"));

    [Theory]
    [InlineData("en_US\n")]
    [InlineData("en_US\r\n")]
    [InlineData("en\n")]
    public void A_language_code_with_a_trailing_line_break_is_refused(string language) =>
        Assert.Throws<ArgumentException>(() => GraphInput.RequireLanguage(language, "Language"));
}
