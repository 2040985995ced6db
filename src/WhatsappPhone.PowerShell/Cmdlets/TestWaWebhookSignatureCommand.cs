using System.Management.Automation;
using System.Security;
using WhatsappPhone.Webhooks;

namespace WhatsappPhone.Cmdlets;

/// <summary>Whether X-Hub-Signature-256 is the HMAC-SHA256 of the body's exact bytes with the app secret.</summary>
[Cmdlet(VerbsDiagnostic.Test, "WaWebhookSignature")]
[OutputType(typeof(bool))]
public sealed class TestWaWebhookSignatureCommand : PSCmdlet
{
    /// <summary>The raw body: a string (its UTF-8 bytes are hashed, as given) or bytes; a byte[] piped in is one body.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [WebhookBodyTransformation]
    [AllowEmptyCollection]
    public byte[] Body { get; set; } = null!;

    /// <summary>The X-Hub-Signature-256 header value; missing or empty is simply $false.</summary>
    [Parameter(Mandatory = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? Signature { get; set; }

    /// <summary>The app secret the signature is checked with, as a string or SecureString. Never shown.</summary>
    [Parameter(Mandatory = true)]
    [WebhookSecretTransformation]
    public SecureString AppSecret { get; set; } = null!;

    private readonly PipedBody _piped = new PipedBody();

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (_piped.Add(Body)) return;
        if (_piped.Take() is { } joined) Test(joined);
        Test(Body);
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (_piped.Take() is { } joined) Test(joined);
    }

    private void Test(byte[] body) => WriteObject(WebhookSignature.IsValid(body, Signature, AppSecret));
}
