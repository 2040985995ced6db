using System.Management.Automation;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>Deregisters a phone number from the WhatsApp Cloud API. It stops sending and receiving messages.</summary>
[Cmdlet(VerbsLifecycle.Unregister, "WaPhoneNumber", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(PhoneNumber))]
public sealed class UnregisterWaPhoneNumberCommand : WaPhoneNumberActionCmdlet
{
    /// <summary>Skips the confirmation prompt (for runbooks). -WhatIf still sends nothing.</summary>
    [Parameter]
    public override SwitchParameter Force { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        const string Action = "Deregister from the WhatsApp Cloud API (it stops sending and receiving messages)";
        if (ShouldChange(Action)) SendChange(Action, id => Client.DeregisterAsync(id, Cancellation));
    }
}
