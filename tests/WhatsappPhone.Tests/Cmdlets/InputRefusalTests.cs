using System.Linq;
using Xunit;

namespace WhatsappPhone.Tests.Cmdlets
{
    /// <summary>Input that runbooks produce by accident is refused before any request, with a clear error.</summary>
    public sealed class InputRefusalTests : RunspaceTest
    {
        readonly LoopbackServer graph = new LoopbackServer(_ => (200, "{\"success\":true}"));

        public override void Dispose()
        {
            graph.Dispose();
            base.Dispose();
        }

        string Connect => $"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri} -MaxRetries 0; ";

        [Theory]
        [InlineData("v\u0662\u0665.\u0660")]
        [InlineData("v25.0`n")]
        public void Connect_refuses_an_api_version_in_other_digits_or_with_a_line_break(string version)
        {
            var r = Run(Connect + $"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri} -ApiVersion \"{version}\"; Get-WaPhoneNumber -PhoneNumberId 1");

            Assert.StartsWith("WaInvalidConnectionSetting", r.Errors.First().FullyQualifiedErrorId);
        }

        [Theory]
        [InlineData("en_US`n")]
        [InlineData("en_US`r`n")]
        public void Request_code_refuses_a_language_with_a_line_break_before_any_request(string language)
        {
            var r = Run(Connect + $"Request-WaPhoneNumberCode -PhoneNumberId 107878721936019 -Method SMS -Language \"{language}\" -Confirm:$false");

            Assert.NotEmpty(r.Errors);
            Assert.Contains("ParameterArgumentValidationError", r.ErrorIds);
            Assert.Equal(0, graph.Count);
        }
    }
}
