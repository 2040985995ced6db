using System.Management.Automation;
using System.Security;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>Sets or changes the number's two-step verification PIN.</summary>
[Cmdlet(VerbsCommon.Set, "WaPhoneNumberPin", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PhoneNumber))]
public sealed class SetWaPhoneNumberPinCommand : WaPhoneNumberActionCmdlet
{
    /// <summary>The new six-digit PIN, as a string or SecureString.</summary>
    [Parameter(Mandatory = true)]
    [SecretTransformation]
    [ValidatePin]
    public SecureString Pin { get; set; } = null!;

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        const string Action = "Set the two-step verification PIN";
        if (ShouldChange(Action)) SendChange(Action, id => Client.SetPinAsync(id, Pin, Cancellation));
    }
}
