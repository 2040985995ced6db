using System;
using System.Linq;
using Xunit;

namespace WhatsappPhone.Tests.Connection;

/// <summary>Tokens as runbooks give them: trimmed the same way everywhere, refused when they cannot be a token, never echoed.</summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class AccessTokenTests : RunspaceTest
{
    private readonly RecordingGraph _graph = new RecordingGraph();

    public override void Dispose()
    {
        _graph.Dispose();
        base.Dispose();
    }

    [Theory]
    [InlineData("\"EAAGtoken`n\"")]        // Get-Content token.txt -Raw
    [InlineData("\"  EAAGtoken`r`n \"")]
    [InlineData("([System.Net.NetworkCredential]::new('', \"EAAGtoken`n\").SecurePassword)")]
    public void A_token_with_surrounding_whitespace_is_sent_trimmed(string token)
    {
        var r = Run($"Connect-WaAccount -AccessToken {token} -BaseUri {_graph.Uri}; Get-WaPhoneNumber -PhoneNumberId 107878721936019");

        Assert.Empty(r.Errors);
        Assert.Equal("107878721936019", r.Output.Single().Properties["Id"].Value);
        Assert.Equal("Bearer EAAGtoken", _graph.Requests.Single().Authorization);
    }

    [Fact]
    public void The_environment_variable_and_the_parameter_are_trimmed_alike()
    {
        Environment.SetEnvironmentVariable("WHATSAPP_ACCESS_TOKEN", " EAAGenv\n");
        Environment.SetEnvironmentVariable("WHATSAPP_BASE_URI", _graph.Uri);

        var r = Run("Get-WaPhoneNumber -PhoneNumberId 107878721936019");

        Assert.Empty(r.Errors);
        Assert.Equal("Bearer EAAGenv", _graph.Requests.Single().Authorization);
    }

    [Theory]
    [InlineData("EAAG\u2019quoted", "non-ASCII")]
    [InlineData("EAAG token", "space")]
    [InlineData("EAAG\ttoken", "space")]
    [InlineData("   ", "empty")]
    [InlineData("`n", "empty")]
    public void Connect_refuses_what_cannot_be_a_token_and_never_echoes_it(string token, string says)
    {
        var r = Run($"Connect-WaAccount -AccessToken \"{token}\" -BaseUri {_graph.Uri}; Get-WaPhoneNumber -PhoneNumberId 107878721936019");

        var first = r.Errors.First();
        Assert.StartsWith("WaInvalidToken", first.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, first.CategoryInfo.Category);
        Assert.Contains(says, first.Exception.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("EAAG", r.Everything);
        Assert.Equal(0, _graph.Count);
    }

    [Fact]
    public void A_bad_token_in_the_environment_is_refused_at_first_use_before_any_request()
    {
        Environment.SetEnvironmentVariable("WHATSAPP_ACCESS_TOKEN", "EAAG\u201cZq9tok\u201d");
        Environment.SetEnvironmentVariable("WHATSAPP_BASE_URI", _graph.Uri);

        var r = Run("Get-WaPhoneNumber -PhoneNumberId 107878721936019");

        var record = Assert.Single(r.Errors);
        Assert.StartsWith("WaInvalidToken", record.FullyQualifiedErrorId);
        Assert.Contains("WHATSAPP_ACCESS_TOKEN", record.Exception.Message);
        Assert.DoesNotContain("Zq9tok", r.Everything);
        Assert.Equal(0, _graph.Count);
    }
}
