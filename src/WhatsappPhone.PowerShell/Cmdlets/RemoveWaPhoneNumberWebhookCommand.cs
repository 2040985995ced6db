using System.Management.Automation;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>Removes a number's webhook override: its message webhooks go to the account's override or the app's callback again.</summary>
[Cmdlet(VerbsCommon.Remove, "WaPhoneNumberWebhook", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PhoneNumberWebhook))]
public sealed class RemoveWaPhoneNumberWebhookCommand : WaPhoneNumberActionCmdlet
{
    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        const string Action = "Remove the number's webhook override (its message webhooks go to the account's override or the app's callback)";
        if (ShouldChange(Action)) SendChange(Action, id => Client.RemovePhoneNumberWebhookAsync(id, Cancellation));
    }

    /// <inheritdoc/>
    protected override object PassThruObject(string id) => Wait(Client.GetPhoneNumberWebhookAsync(id, Cancellation));
}
