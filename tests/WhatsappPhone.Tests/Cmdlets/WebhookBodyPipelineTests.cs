using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using WhatsappPhone.Models.Webhooks;
using Xunit;

namespace WhatsappPhone.Tests.Cmdlets;

/// <summary>
/// A byte[] piped into the webhook cmdlets is one body: PowerShell sends its bytes one at a time,
/// and they are joined again. Strings piped in stay one body each.
/// </summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class WebhookBodyPipelineTests : RunspaceTest
{
    private const string Secret = "s3cret";

    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "webhooks", "batch-several-entries.json");

    private static string Sign(byte[] body)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        return "sha256=" + Convert.ToHexString(hmac.ComputeHash(body)).ToLowerInvariant();
    }

    [Fact]
    public void Piped_bytes_are_one_signed_body()
    {
        var r = Run($"[IO.File]::ReadAllBytes('{Fixture}') | Test-WaWebhookSignature -Signature '{Sign(File.ReadAllBytes(Fixture))}' -AppSecret {Secret}");

        Assert.Empty(r.Errors);
        Assert.Equal(true, Assert.Single(r.Output).BaseObject);
    }

    [Fact]
    public void Piped_bytes_are_one_notification_signed_or_not()
    {
        var unsigned = Run($"[IO.File]::ReadAllBytes('{Fixture}') | ConvertFrom-WaWebhook");
        var signed = Run($"[IO.File]::ReadAllBytes('{Fixture}') | ConvertFrom-WaWebhook -Signature '{Sign(File.ReadAllBytes(Fixture))}' -AppSecret {Secret}");

        foreach (var r in new[] { unsigned, signed })
        {
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "phone_number_quality_update", "security", "phone_number_name_update", "account_update", "account_review_update" },
                r.Output.Select(o => ((WebhookEvent)o.BaseObject).Field));
        }
    }

    [Fact]
    public void Strings_piped_in_stay_one_body_each_even_of_one_character()
    {
        var r = Run($"'{{', '}}' | Test-WaWebhookSignature -Signature '{Sign(Encoding.UTF8.GetBytes("{}"))}' -AppSecret {Secret}");

        Assert.Empty(r.Errors);
        Assert.Equal(new object[] { false, false }, r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void Bytes_then_a_string_are_two_bodies_in_order()
    {
        var bytes = File.ReadAllBytes(Fixture);
        var r = Run($"@([IO.File]::ReadAllBytes('{Fixture}')) + @('{{}}') | Test-WaWebhookSignature -Signature '{Sign(bytes)}' -AppSecret {Secret}");

        Assert.Empty(r.Errors);
        Assert.Equal(new object[] { true, false }, r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void A_byte_array_piped_whole_or_given_to_body_is_one_body_as_before()
    {
        var signature = Sign(File.ReadAllBytes(Fixture));
        var r = Run($"$b = [IO.File]::ReadAllBytes('{Fixture}'); ,$b | Test-WaWebhookSignature -Signature '{signature}' -AppSecret {Secret}; " +
            $"Test-WaWebhookSignature -Body $b -Signature '{signature}' -AppSecret {Secret}");

        Assert.Empty(r.Errors);
        Assert.Equal(new object[] { true, true }, r.Output.Select(o => o.BaseObject));
    }
}
