using System;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;
using WhatsappPhone.Cmdlets;
using Xunit;

namespace WhatsappPhone.Tests.Cmdlets;

/// <summary>
/// App secrets and verify tokens: an empty or blank one would accept forgeries (an HMAC keyed with
/// nothing, a handshake without a token), so every cmdlet refuses it at binding; surrounding
/// whitespace (a line break read from a file) is trimmed.
/// </summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class WebhookSecretTests : RunspaceTest
{
    private readonly RecordingGraph _graph = new RecordingGraph(_ => (200, "{\"success\":true}"));

    public override void Dispose()
    {
        _graph.Dispose();
        base.Dispose();
    }

    private string Connect => $"Connect-WaAccount -AccessToken t -BaseUri {_graph.Uri} -MaxRetries 0; ";

    private static string Sign(string body, string secret)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        return "sha256=" + Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes(body))).ToLowerInvariant();
    }

    /// <summary>Each command with {0} where the secret goes; every one would act on an empty secret if it bound.</summary>
    private static readonly string[] Commands =
    {
        $"Test-WaWebhookSignature -Body '{{}}' -Signature '{Sign("{}", "")}' -AppSecret {{0}}",
        $"ConvertFrom-WaWebhook -Body '{{}}' -Signature '{Sign("{}", "")}' -AppSecret {{0}}",
        "Confirm-WaWebhookChallenge -Query @{ 'hub.mode' = 'subscribe'; 'hub.verify_token' = ''; 'hub.challenge' = 'echoed' } -VerifyToken {0}",
        "Receive-WaWebhook -Prefix http://127.0.0.1:{port}/hook/ -AppSecret {0} -TimeoutSec 1",
        "Receive-WaWebhook -Prefix http://127.0.0.1:{port}/hook/ -AppSecret s3cret -VerifyToken {0} -TimeoutSec 1",
        "Set-WaPhoneNumberWebhook -PhoneNumberId 107878721936019 -CallbackUri https://example.com/hook -VerifyToken {0} -Confirm:$false",
        "Register-WaWebhookSubscription -BusinessAccountId 114503234599312 -OverrideCallbackUri https://example.com/hook -VerifyToken {0} -Confirm:$false",
    };

    public static TheoryData<string, string> BlankSecrets()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in Commands)
        {
            foreach (var blank in new[] { "''", "'   '", "\"`t`r`n\"", "([System.Security.SecureString]::new())", "([System.Net.NetworkCredential]::new('', ' ').SecurePassword)" })
                data.Add(command, blank);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BlankSecrets))]
    public void An_empty_or_blank_secret_is_refused_at_binding_and_nothing_happens(string command, string blank)
    {
        var r = Run(Connect + command.Replace("{port}", RecordingGraph.FreePort().ToString()).Replace("{0}", blank));

        var record = Assert.Single(r.Errors);
        Assert.StartsWith("ParameterArgumentTransformationError,", record.FullyQualifiedErrorId);
        Assert.Contains("empty or only whitespace", record.Exception.Message);
        Assert.DoesNotContain("Parameter '", record.Exception.Message);
        Assert.Empty(r.Output);
        Assert.Equal(0, _graph.Count);
    }

    [Fact]
    public void Every_app_secret_and_verify_token_parameter_has_the_one_rule()
    {
        var parameters = typeof(GetWaPhoneNumberCommand).Assembly.GetTypes()
            .Where(t => typeof(Cmdlet).IsAssignableFrom(t) && !t.IsAbstract)
            .SelectMany(t => t.GetProperties().Select(p => (Cmdlet: t.Name, Property: p)))
            .Where(x => x.Property.Name is "AppSecret" or "VerifyToken")
            .ToList();
        Assert.True(parameters.Count >= 7, string.Join(", ", parameters.Select(p => p.Cmdlet)));
        foreach (var (cmdlet, property) in parameters)
            Assert.True(property.IsDefined(typeof(WebhookSecretTransformationAttribute), false), $"{cmdlet} -{property.Name}");
    }

    [Theory]
    [InlineData("\"s3cret`n\"")]
    [InlineData("\"  s3cret`r`n\"")]
    [InlineData("([System.Net.NetworkCredential]::new('', \"s3cret`n\").SecurePassword)")]
    public void A_secret_read_with_its_line_break_signs_as_the_secret_alone(string secret)
    {
        var r = Run($"Test-WaWebhookSignature -Body '{{}}' -Signature '{Sign("{}", "s3cret")}' -AppSecret {secret}");

        Assert.Empty(r.Errors);
        Assert.Equal(true, Assert.Single(r.Output).BaseObject);
    }

    [Fact]
    public void A_verify_token_read_with_its_line_break_answers_the_handshake_and_is_sent_trimmed()
    {
        var r = Run("Confirm-WaWebhookChallenge -Query @{ 'hub.mode' = 'subscribe'; 'hub.verify_token' = 'tok'; 'hub.challenge' = 'echoed' } -VerifyToken \"tok`r`n\"");
        Assert.Equal("echoed", Assert.Single(r.Output).BaseObject);

        r = Run(Connect + "Set-WaPhoneNumberWebhook -PhoneNumberId 107878721936019 -CallbackUri https://example.com/hook -VerifyToken \" tok`n\" -Confirm:$false");
        Assert.Empty(r.Errors);
        Assert.Contains("\"verify_token\":\"tok\"", Assert.Single(_graph.Requests).Body);
    }

    [Fact]
    public void The_callers_secure_string_is_left_as_it_was()
    {
        var r = Run("$s = [System.Net.NetworkCredential]::new('', \"s3cret`n\").SecurePassword; $null = Test-WaWebhookSignature -Body '{}' -Signature x -AppSecret $s; $s.Length");
        Assert.Equal(7, Assert.Single(r.Output).BaseObject);
    }
}
