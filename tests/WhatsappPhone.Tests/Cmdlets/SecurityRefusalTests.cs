using System.Linq;
using System.Management.Automation;
using Xunit;

namespace WhatsappPhone.Tests.Cmdlets;

/// <summary>A refusal to send the token elsewhere is a security error of its own, not a connection fault to retry.</summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class SecurityRefusalTests : RunspaceTest
{
    [Fact]
    public void A_next_link_to_another_host_is_a_security_error_after_the_page_already_read()
    {
        RecordingGraph? graph = null;
        graph = new RecordingGraph(_ => (200,
            "{\"data\":[{\"id\":\"1\"},{\"id\":\"2\"}],\"paging\":{\"next\":\"http://127.0.0.2:" + graph!.Port + "/v25.0/114503234599312/phone_numbers?after=x\"}}"));
        using (graph)
        {
            var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri}; Get-WaPhoneNumber -BusinessAccountId 114503234599312");

            Assert.Equal(new[] { "1", "2" }, r.Output.Select(o => (string)o.Properties["Id"].Value));
            var record = Assert.Single(r.Errors);
            Assert.StartsWith("WaSecurityRefusal", record.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.SecurityError, record.CategoryInfo.Category);
            Assert.Contains("Refusing to send the access token", record.Exception.Message);
            Assert.Equal(1, graph.Count);
        }
    }
}
