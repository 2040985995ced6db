using System.Management.Automation;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>Asks Meta to send a verification code to the number by SMS or voice call.</summary>
[Cmdlet(VerbsLifecycle.Request, "WaPhoneNumberCode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PhoneNumber))]
public sealed class RequestWaPhoneNumberCodeCommand : WaPhoneNumberActionCmdlet
{
    /// <summary>SMS or VOICE: how the code is sent. Required, since a call and a text reach different phones.</summary>
    [Parameter(Mandatory = true)]
    [ValidateSet("SMS", "VOICE")]
    public string Method { get; set; } = null!;

    /// <summary>The language of the message or call, such as en_US (the default), es_ES or pt_BR.</summary>
    [Parameter]
    [ValidateLanguage]
    public string Language { get; set; } = "en_US";

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var action = $"Send a verification code by {Method}";
        if (ShouldChange(action)) SendChange(action, id => Client.RequestCodeAsync(id, Method.ToUpperInvariant(), Language, Cancellation));
    }
}
