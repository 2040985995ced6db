using System.Management.Automation;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>Removes a number's webhook override: its message webhooks go to the account's override or the app's callback again.</summary>
    [Cmdlet(VerbsCommon.Remove, "WaPhoneNumberWebhook", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(PhoneNumberWebhook))]
    public sealed class RemoveWaPhoneNumberWebhookCommand : WaPhoneNumberActionCmdlet
    {
        protected override void ProcessRecord() =>
            Act("Remove the number's webhook override (its message webhooks go to the account's override or the app's callback)",
                id => Client.RemovePhoneNumberWebhookAsync(id, Cancellation));

        protected override object PassThruObject(string id) => Wait(Client.GetPhoneNumberWebhookAsync(id, Cancellation));
    }
}
