using System.Management.Automation;

namespace WhatsappPhone.Cmdlets;

/// <summary>Unsubscribes the connection's app from WhatsApp Business Accounts: every webhook of those accounts stops.</summary>
[Cmdlet(VerbsLifecycle.Unregister, "WaWebhookSubscription", DefaultParameterSetName = ByIdSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class UnregisterWaWebhookSubscriptionCommand : WaWebhookSubscriptionCmdlet
{
    /// <summary>Skips the confirmation prompt (for runbooks). -WhatIf still sends nothing.</summary>
    [Parameter]
    public override SwitchParameter Force { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        const string Action = "Unsubscribe this app (every webhook of the account stops: messages, quality, name, account and security events)";
        foreach (var account in Accounts())
        {
            if (!ShouldChange(account, Action)) continue;
            TryRun(account, () =>
            {
                Wait(Client.UnsubscribeWebhooksAsync(account, Cancellation));
                WriteVerbose($"Done: {Action} on {Target(account)}.");
            });
        }
    }
}
