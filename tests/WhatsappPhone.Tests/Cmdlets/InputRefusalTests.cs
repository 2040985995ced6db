using System.Linq;
using Xunit;

namespace WhatsappPhone.Tests.Cmdlets;

/// <summary>Input that runbooks produce by accident is refused before any request, with a clear error.</summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class InputRefusalTests : RunspaceTest
{
    private readonly RecordingGraph _graph = new RecordingGraph(_ => (200, "{\"success\":true}"));

    public override void Dispose()
    {
        _graph.Dispose();
        base.Dispose();
    }

    private string Connect => $"Connect-WaAccount -AccessToken t -BaseUri {_graph.Uri} -MaxRetries 0; ";

    [Theory]
    [InlineData("v\u0662\u0665.\u0660")]
    [InlineData("v25.0`n")]
    public void Connect_refuses_an_api_version_in_other_digits_or_with_a_line_break(string version)
    {
        var r = Run(Connect + $"Connect-WaAccount -AccessToken t -BaseUri {_graph.Uri} -ApiVersion \"{version}\"; Get-WaPhoneNumber -PhoneNumberId 1");

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
        Assert.Equal(0, _graph.Count);
    }


    [Theory]
    [InlineData("012345")]
    [InlineData("(12345)")]
    [InlineData("0012345")]
    public void A_verification_code_typed_as_a_number_that_lost_its_leading_zero_is_refused_before_any_request(string code)
    {
        var r = Run(Connect + $"Confirm-WaPhoneNumberCode -PhoneNumberId 107878721936019 -Code {code} -Confirm:$false");

        var record = Assert.Single(r.Errors);
        Assert.Contains("ParameterArgumentValidationError", record.FullyQualifiedErrorId);
        Assert.Contains("quoted string", record.Exception.Message);
        Assert.DoesNotContain("12345", r.Everything);
        Assert.Equal(0, _graph.Count);
    }

    [Fact]
    public void A_six_digit_code_is_sent_as_a_string_with_its_leading_zero()
    {
        var r = Run(Connect + "Confirm-WaPhoneNumberCode -PhoneNumberId 107878721936019 -Code '012345' -Confirm:$false");

        Assert.Empty(r.Errors);
        Assert.Contains("\"code\":\"012345\"", _graph.Requests.Single().Body);
    }
}
