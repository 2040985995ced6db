using System.Management.Automation;
using System.Security;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks;

namespace WhatsappPhone.Cmdlets;

/// <summary>Turns one webhook notification into one typed event per change (entry[] x changes[]), in order.</summary>
[Cmdlet(VerbsData.ConvertFrom, "WaWebhook", DefaultParameterSetName = UnsignedSet)]
[OutputType(typeof(WebhookEvent), typeof(QualityUpdateEvent), typeof(NameUpdateEvent), typeof(AccountUpdateEvent),
    typeof(AccountReviewUpdateEvent), typeof(SecurityEvent), typeof(AccountAlertEvent), typeof(MessagesEvent))]
public sealed class ConvertFromWaWebhookCommand : WaWebhookCmdlet
{
    private const string UnsignedSet = "Unsigned";
    private const string SignedSet = "Signed";

    /// <summary>The raw body: a string (as Azure Functions' $Request.RawBody holds it) or bytes; a byte[] piped in is one body.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [WebhookBodyTransformation]
    [AllowEmptyCollection]
    public byte[] Body { get; set; } = null!;

    /// <summary>The X-Hub-Signature-256 header; checked before anything is read.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SignedSet)]
    [AllowNull]
    [AllowEmptyString]
    public string? Signature { get; set; }

    /// <summary>The app secret the signature is checked with, as a string or SecureString. Never shown.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SignedSet)]
    [WebhookSecretTransformation]
    public SecureString AppSecret { get; set; } = null!;

    private readonly PipedBody _piped = new PipedBody();

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (_piped.Add(Body)) return;
        if (_piped.Take() is { } joined) Convert(joined);
        Convert(Body);
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (_piped.Take() is { } joined) Convert(joined);
        base.EndProcessing();
    }

    private void Convert(byte[] body)
    {
        try
        {
            WebhookNotification.CheckSize(body.Length);
            if (ParameterSetName == SignedSet && !WebhookSignature.IsValid(body, Signature, AppSecret))
            {
                ThrowTerminatingError(Refusal(new WaWebhookException(WaWebhookException.SignatureInvalid, string.IsNullOrEmpty(Signature)
                    ? "The notification has no X-Hub-Signature-256 signature; nothing was read from it. Answer with 401."
                    : "The X-Hub-Signature-256 signature does not match the body and the app secret; nothing was read from it. Answer with 401. (The signature covers the exact bytes received: pass the raw body, not a re-serialised one.)")));
            }

            WriteEvents(WebhookNotification.Parse(body));
        }
        catch (WaWebhookException ex)
        {
            WriteError(Refusal(ex));
        }
    }
}
