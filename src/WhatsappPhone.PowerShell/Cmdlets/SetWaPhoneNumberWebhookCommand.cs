using System;
using System.Management.Automation;
using System.Security;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Sends a number's message webhooks to its own callback (webhook_configuration.override_callback_uri).
/// Meta verifies the callback with its handshake first, and only once the app is subscribed to the number's account.
/// </summary>
[Cmdlet(VerbsCommon.Set, "WaPhoneNumberWebhook", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PhoneNumberWebhook))]
public sealed class SetWaPhoneNumberWebhookCommand : WaPhoneNumberActionCmdlet
{
    /// <summary>The number's callback: https (http only to this machine, for the emulator and local tests).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateCallbackUri]
    public string CallbackUri { get; set; } = "";

    /// <summary>The token Meta sends in the handshake, as a string or SecureString. Never shown.</summary>
    [Parameter(Mandatory = true)]
    [WebhookSecretTransformation]
    public SecureString VerifyToken { get; set; } = null!;

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var callback = WebhookInput.RequireCallbackUri(CallbackUri, nameof(CallbackUri));
        var action = $"Send the number's message webhooks to {WebhookInput.ForDisplay(callback.OriginalString)} once Meta has verified it";
        if (ShouldChange(action)) SendChange(action, id => Client.SetPhoneNumberWebhookAsync(id, callback, VerifyToken, Cancellation));
    }

    /// <inheritdoc/>
    protected override object PassThruObject(string id) => Wait(Client.GetPhoneNumberWebhookAsync(id, Cancellation));
}
