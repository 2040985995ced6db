using System.Linq;
using Xunit;

namespace WhatsappPhone.Tests.Api;

/// <summary>Requests to this machine (the emulator) never go through a proxy, which would receive the token in clear.</summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class LoopbackProxyTests : RunspaceTest
{
    [Fact]
    public void A_loopback_base_uri_is_reached_directly_even_with_a_proxy_set()
    {
        using var graph = new RecordingGraph();
        using var proxy = new RecordingProxy();

        var r = Run($"Connect-WaAccount -AccessToken EAAGsecret -BaseUri {graph.Uri} -Proxy {proxy.Uri} -MaxRetries 0; Get-WaPhoneNumber -PhoneNumberId 107878721936019");

        Assert.Empty(r.Errors);
        Assert.Equal("107878721936019", r.Output.Single().Properties["Id"].Value);
        Assert.Equal(0, proxy.Count);
        Assert.Equal("Bearer EAAGsecret", graph.Requests.Single().Authorization);
    }

    [Fact]
    public void Another_host_still_goes_through_the_proxy()
    {
        using var proxy = new RecordingProxy();

        Run($"Connect-WaAccount -AccessToken t -BaseUri https://graph.example.test -Proxy {proxy.Uri} -MaxRetries 0; Get-WaPhoneNumber -PhoneNumberId 1");

        Assert.Contains("graph.example.test:443", proxy.Heads.First());
    }
}
