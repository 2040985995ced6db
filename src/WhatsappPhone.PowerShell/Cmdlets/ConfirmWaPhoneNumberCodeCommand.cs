using System.Management.Automation;
using System.Security;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>Confirms the verification code the number received; its code verification becomes VERIFIED.</summary>
[Cmdlet(VerbsLifecycle.Confirm, "WaPhoneNumberCode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PhoneNumber))]
public sealed class ConfirmWaPhoneNumberCodeCommand : WaPhoneNumberActionCmdlet
{
    /// <summary>The code received by SMS or voice call, as a string or SecureString. Never shown.</summary>
    [Parameter(Mandatory = true)]
    [SecretTransformation]
    [ValidateVerificationCode]
    public SecureString Code { get; set; } = null!;

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        const string Action = "Confirm the verification code";
        if (ShouldChange(Action)) SendChange(Action, id => Client.VerifyCodeAsync(id, Code, Cancellation));
    }
}
