using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>Deregisters a phone number from the WhatsApp Cloud API. It stops sending and receiving messages.</summary>
    [Cmdlet(VerbsLifecycle.Unregister, "WaPhoneNumber", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(PhoneNumber))]
    public sealed class UnregisterWaPhoneNumberCommand : WaApiCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ValidateGraphId("phone-number ID")]
        public string PhoneNumberId { get; set; } = "";

        /// <summary>Skips the confirmation prompt (for runbooks). -WhatIf still sends nothing.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var id = PhoneNumberId;
            var target = $"phone number {id}";
            const string action = "Deregister from the WhatsApp Cloud API (it stops sending and receiving messages)";
            var proceed = Force && !Requested("WhatIf") && !Requested("Confirm") ? ConfirmedByForce(target, action) : ShouldProcess(target, action);
            if (!proceed) return;
            TryRun(id, () =>
            {
                Wait(Client.DeregisterAsync(id, Cancellation));
                WriteVerbose($"Deregistered phone number {id}.");
                if (PassThru) WriteObject(Wait(Client.GetPhoneNumberAsync(id, PhoneNumberJson.FieldsFor(Settings.MajorVersion), null, Cancellation)));
            });
        }

        /// <summary>-WhatIf or -Confirm given, or (for WhatIf) set by preference: -Force must not override either.</summary>
        bool Requested(string name) =>
            MyInvocation.BoundParameters.TryGetValue(name, out var value) ? LanguagePrimitives.IsTrue(value)
            : name == "WhatIf" && LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

        bool ConfirmedByForce(string target, string action)
        {
            WriteVerbose($"Performing the operation \"{action}\" on target \"{target}\" (-Force: not asking for confirmation).");
            return true;
        }
    }
}
