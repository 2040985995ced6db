using System.Linq;
using System.Management.Automation;
using WhatsappPhone.Models;
using Xunit;

namespace WhatsappPhone.Tests.Cmdlets;

/// <summary>What users pipe is bound the way they mean it, or refused clearly before any request.</summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class PipelineBindingTests : RunspaceTest
{
    private const string Number = "107878721936019";
    private const string Waba = "114503234599312";

    [Theory]
    [InlineData("[pscustomobject]@{ Id = [long]107878721936019 }")]          // what ConvertFrom-Json gives
    [InlineData("[pscustomobject]@{ Id = [int]1078787 }")]
    [InlineData("[pscustomobject]@{ Id = [double]107878721936019 }")]      // a spreadsheet cell
    [InlineData("[pscustomobject]@{ PhoneNumberId = [decimal]107878721936019 }")]
    public void An_object_whose_id_is_a_number_binds_as_that_id(string input)
    {
        using var graph = new RecordingGraph();

        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri} -MaxRetries 0; {input} | Get-WaPhoneNumber");

        Assert.Empty(r.Errors);
        Assert.Single(r.Output);
        Assert.Matches("^/v25.0/(107878721936019|1078787)\\?", graph.Requests.Single().Url);
    }

    [Fact]
    public void A_number_typed_as_an_id_binds_too()
    {
        using var graph = new RecordingGraph();

        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri} -MaxRetries 0; Get-WaPhoneNumber -PhoneNumberId {Number}; {Number} | Test-WaPhoneNumber");

        Assert.Empty(r.Errors);
        Assert.Equal(2, graph.Count);
    }

    [Theory]
    [InlineData("Test-WaPhoneNumber")]
    [InlineData("Register-WaPhoneNumber -Pin '123456' -Confirm:$false")]
    [InlineData("Unregister-WaPhoneNumber -Force")]
    public void A_business_account_piped_where_a_number_is_needed_is_refused_before_any_request(string command)
    {
        using var graph = new RecordingGraph();
        var account = new BusinessAccount { Id = Waba, Name = "Acme", Currency = "USD" };

        var r = RunWithInput($"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri} -MaxRetries 0; $input | {command}", account);

        var record = Assert.Single(r.Errors);
        Assert.Contains("WhatsApp Business Account", record.Exception.Message);
        Assert.Contains("Get-WaPhoneNumber", record.Exception.Message);
        Assert.Equal(0, graph.Count);
    }

    [Fact]
    public void Csv_rows_of_accounts_piped_into_get_are_refused_before_any_request() // Import-Csv gives such rows: every value a string
    {
        using var graph = new RecordingGraph();

        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri} -MaxRetries 0; " +
                    $"[pscustomobject]@{{ Id = '{Waba}'; Name = 'Acme'; Currency = 'USD'; TimezoneId = '1'; MessageTemplateNamespace = 'x'; Ownership = 'Owned' }} | Get-WaPhoneNumber");

        var record = Assert.Single(r.Errors);
        Assert.Contains("WhatsApp Business Account", record.Exception.Message);
        Assert.Contains("-BusinessAccountId", record.Exception.Message);
        Assert.Equal(0, graph.Count);
    }

    [Fact]
    public void Business_account_objects_piped_into_get_still_list_their_numbers()
    {
        using var graph = new RecordingGraph(_ => (200, "{\"data\":[{\"id\":\"" + Number + "\"}]}"));
        var account = new BusinessAccount { Id = Waba, Name = "Acme" };

        var r = RunWithInput($"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri} -MaxRetries 0; $input | Get-WaPhoneNumber", account);

        Assert.Empty(r.Errors);
        Assert.StartsWith($"/v25.0/{Waba}/phone_numbers", graph.Requests.Single().Url);
    }
}
