using System;
using WhatsappPhone.Api;
using Xunit;

namespace WhatsappPhone.Tests.Api
{
    /// <summary>Versions and language codes: ASCII only, and nothing after the end (a trailing line break included).</summary>
    public class GraphInputTests
    {
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
}
