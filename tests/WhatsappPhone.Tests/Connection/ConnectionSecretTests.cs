using System;
using System.Linq;
using System.Text;
using Xunit;

namespace WhatsappPhone.Tests.Connection;

/// <summary>A password in -BaseUri or -Proxy is never shown; a base URI with one or with a query is refused.</summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class ConnectionSecretTests : RunspaceTest
{
    private const string Password = "s3cr3tPw";

    [Theory]
    [InlineData("https://user:" + Password + "@graph.facebook.com")]
    [InlineData("http://user:" + Password + "@127.0.0.1:9")]
    [InlineData("https://user:" + Password + "@graph.facebook.com:99999")]
    public void A_base_uri_with_a_password_is_refused_without_showing_it(string uri)
    {
        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri '{uri}' -Verbose");

        Assert.StartsWith("WaInvalidConnectionSetting", r.Errors.Single().FullyQualifiedErrorId);
        Assert.DoesNotContain(Password, r.Everything);
    }

    [Fact]
    public void A_base_uri_with_a_password_in_the_environment_is_refused_without_showing_it()
    {
        Environment.SetEnvironmentVariable("WHATSAPP_ACCESS_TOKEN", "t");
        Environment.SetEnvironmentVariable("WHATSAPP_BASE_URI", $"https://user:{Password}@graph.facebook.com");

        var r = Run("Get-WaPhoneNumber -PhoneNumberId 1 -Debug -Verbose");

        Assert.StartsWith("WaInvalidConnectionSetting", r.Errors.Single().FullyQualifiedErrorId);
        Assert.DoesNotContain(Password, r.Everything);
    }

    [Theory]
    [InlineData("https://graph.facebook.com/?access_token=x")]
    [InlineData("https://graph.facebook.com/?debug=all")]
    [InlineData("https://graph.facebook.com/#frag")]
    public void A_base_uri_with_a_query_or_fragment_is_refused_not_silently_cut(string uri)
    {
        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri '{uri}'");

        var record = r.Errors.Single();
        Assert.StartsWith("WaInvalidConnectionSetting", record.FullyQualifiedErrorId);
        Assert.Contains("query", record.Exception.Message);
    }

    [Fact]
    public void Proxy_credentials_are_used_but_never_shown_in_the_context_its_serializations_or_any_stream()
    {
        using var proxy = new RecordingProxy();
        var proxyUri = $"http://proxyuser:{Password}@127.0.0.1:{proxy.Port}";

        var r = Run($"$c = Connect-WaAccount -AccessToken t -BaseUri https://graph.example.test -Proxy '{proxyUri}' -MaxRetries 0 -PassThru -Verbose; " +
                    "$c; $c | Format-List * | Out-String; $c | ConvertTo-Json; [Management.Automation.PSSerializer]::Serialize($c); \"$c\"; " +
                    "Get-WaPhoneNumber -PhoneNumberId 1 -Context $c -Debug -Verbose");

        Assert.DoesNotContain(Password, r.Everything);
        Assert.Contains(r.Output, o => o.ToString().Contains($"127.0.0.1:{proxy.Port}"));
        Assert.True(proxy.Count >= 2, $"{proxy.Count} requests reached the proxy");
        var basic = Convert.ToBase64String(Encoding.ASCII.GetBytes("proxyuser:" + Password));
        Assert.Contains($"Proxy-Authorization: Basic {basic}", proxy.Heads[1]);
    }

    [Fact]
    public void A_bad_proxy_is_refused_without_showing_its_password()
    {
        var r = Run($"Connect-WaAccount -AccessToken t -Proxy 'ftp://user:{Password}@proxy.example.test'");

        Assert.StartsWith("WaInvalidConnectionSetting", r.Errors.Single().FullyQualifiedErrorId);
        Assert.DoesNotContain(Password, r.Everything);
    }
}
