using System.Management.Automation;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>Deregisters a phone number from the WhatsApp Cloud API. It stops sending and receiving messages.</summary>
    [Cmdlet(VerbsLifecycle.Unregister, "WaPhoneNumber", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(PhoneNumber))]
    public sealed class UnregisterWaPhoneNumberCommand : WaPhoneNumberActionCmdlet
    {
        /// <summary>Skips the confirmation prompt (for runbooks). -WhatIf still sends nothing.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            const string action = "Deregister from the WhatsApp Cloud API (it stops sending and receiving messages)";
            bool? confirmed = null;
            if (Force && !Requested("WhatIf") && !Requested("Confirm"))
            {
                WriteVerbose($"Performing the operation \"{action}\" on target \"{Target}\" (-Force: not asking for confirmation).");
                confirmed = true;
            }
            Act(action, id => Client.DeregisterAsync(id, Cancellation), confirmed);
        }

        /// <summary>-WhatIf or -Confirm given, or (for WhatIf) set by preference: -Force must not override either.</summary>
        bool Requested(string name) =>
            MyInvocation.BoundParameters.TryGetValue(name, out var value) ? LanguagePrimitives.IsTrue(value)
            : name == "WhatIf" && LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
    }
}
