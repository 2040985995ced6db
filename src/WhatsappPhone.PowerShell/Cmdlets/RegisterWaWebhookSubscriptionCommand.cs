using System;
using System.Management.Automation;
using System.Security;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Subscribes the connection's app to WhatsApp Business Accounts' webhooks, optionally routing their
/// message webhooks to another callback (Meta verifies it with its handshake first).
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "WaWebhookSubscription", DefaultParameterSetName = ByIdSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(WebhookSubscription))]
public sealed class RegisterWaWebhookSubscriptionCommand : WaWebhookSubscriptionCmdlet
{
    /// <summary>Where the accounts' message webhooks go instead of the app's callback: https (http only to this machine).</summary>
    [Parameter]
    [ValidateCallbackUri]
    public string? OverrideCallbackUri { get; set; }

    /// <summary>The token Meta sends in the handshake to -OverrideCallbackUri, as a string or SecureString. Never shown.</summary>
    [Parameter]
    [WebhookSecretTransformation]
    public SecureString? VerifyToken { get; set; }

    /// <summary>Reads the subscriptions back and writes them.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private Uri? _callback;

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if ((OverrideCallbackUri == null) != (VerifyToken == null))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-OverrideCallbackUri and -VerifyToken go together: Meta calls the callback with the token before it accepts it. Give both, or neither to subscribe with the app's callback."),
                "WaWebhookOverrideIncomplete", ErrorCategory.InvalidArgument, WebhookInput.ForDisplay(OverrideCallbackUri)));
        }

        if (OverrideCallbackUri != null) _callback = WebhookInput.RequireCallbackUri(OverrideCallbackUri, nameof(OverrideCallbackUri));
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var action = _callback == null
            ? "Subscribe this app to the account's webhooks (with the app's callback; an account override is cleared)"
            : $"Subscribe this app to the account's webhooks, sending its message webhooks to {WebhookInput.ForDisplay(_callback.OriginalString)} once Meta has verified it";
        foreach (var account in Accounts())
        {
            if (!ShouldChange(account, action)) continue;
            SendChange(account, Target(account), action, $"Get-WaWebhookSubscription -BusinessAccountId {account}",
                () => Client.SubscribeWebhooksAsync(account, _callback, VerifyToken, Cancellation),
                PassThru ? () => WriteSubscriptions(account) : null);
        }
    }
}
