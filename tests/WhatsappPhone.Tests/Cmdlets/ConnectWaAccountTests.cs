using System.Linq;
using Xunit;

namespace WhatsappPhone.Tests.Cmdlets;

/// <summary>A second connection can be built without switching the session's.</summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class ConnectWaAccountTests : RunspaceTest
{
    [Fact]
    public void NoSessionUpdate_returns_a_context_and_leaves_the_session_connection_alone()
    {
        using var first = new RecordingGraph();
        using var second = new RecordingGraph();

        var r = Run($"Connect-WaAccount -AccessToken tokenA -BaseUri {first.Uri}; " +
                    $"$b = Connect-WaAccount -AccessToken tokenB -BaseUri {second.Uri} -NoSessionUpdate; " +
                    "Get-WaPhoneNumber -PhoneNumberId 107878721936019; Get-WaPhoneNumber -PhoneNumberId 107878721936019 -Context $b; $b.GetType().Name");

        Assert.Empty(r.Errors);
        Assert.Equal("WaContext", r.Output.Last().ToString());
        Assert.Equal("Bearer tokenA", first.Requests.Single().Authorization);
        Assert.Equal("Bearer tokenB", second.Requests.Single().Authorization);
    }

    [Fact]
    public void PassThru_alone_still_connects_the_session()
    {
        using var graph = new RecordingGraph();

        var r = Run($"$c = Connect-WaAccount -AccessToken tokenA -BaseUri {graph.Uri} -PassThru; Get-WaPhoneNumber -PhoneNumberId 107878721936019");

        Assert.Empty(r.Errors);
        Assert.Equal("Bearer tokenA", graph.Requests.Single().Authorization);
    }
}
