using System.Management.Automation;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>Lists the apps subscribed to WhatsApp Business Accounts' webhooks; an account without one receives no webhooks.</summary>
[Cmdlet(VerbsCommon.Get, "WaWebhookSubscription", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(WebhookSubscription))]
public sealed class GetWaWebhookSubscriptionCommand : WaWebhookSubscriptionCmdlet
{
    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        foreach (var account in Accounts())
            TryRun(account, () => WriteSubscriptions(account));
    }
}
