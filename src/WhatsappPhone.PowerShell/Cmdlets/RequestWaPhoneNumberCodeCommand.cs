using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>Asks Meta to send a verification code to the number by SMS or voice call.</summary>
    [Cmdlet(VerbsLifecycle.Request, "WaPhoneNumberCode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(PhoneNumber))]
    public sealed class RequestWaPhoneNumberCodeCommand : WaPhoneNumberActionCmdlet
    {
        [Parameter(Mandatory = true)]
        [ValidateSet("SMS", "VOICE")]
        public string Method { get; set; } = "SMS";

        /// <summary>The language of the message or call, such as en_US (the default), es_ES or pt_BR.</summary>
        [Parameter]
        // \z: $ would let a trailing line break through; case-sensitive, as Graph's codes are (en_US, not EN_us).
        [ValidatePattern(@"^[a-z]{2,3}(_[A-Z]{2})?\z", Options = System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
        public string Language { get; set; } = "en_US";

        protected override void ProcessRecord() =>
            Act($"Send a verification code by {Method}", id => Client.RequestCodeAsync(id, Method.ToUpperInvariant(), GraphInput.RequireLanguage(Language, nameof(Language)), Cancellation));
    }
}
