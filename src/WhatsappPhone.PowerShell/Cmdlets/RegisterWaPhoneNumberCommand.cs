using System.Management.Automation;
using System.Security;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>Registers a phone number for the WhatsApp Cloud API with its two-step verification PIN.</summary>
    [Cmdlet(VerbsLifecycle.Register, "WaPhoneNumber", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(PhoneNumber))]
    public sealed class RegisterWaPhoneNumberCommand : WaPhoneNumberActionCmdlet
    {
        /// <summary>The six-digit two-step verification PIN, as a string or SecureString.</summary>
        [Parameter(Mandatory = true)]
        [SecretTransformation]
        [ValidatePin]
        public SecureString Pin { get; set; } = null!;

        /// <summary>Where message content is stored at rest (Local Storage); omitted to use Meta's default.</summary>
        [Parameter]
        [ValidateSet("AU", "ID", "IN", "JP", "SG", "KR", "DE", "CH", "GB", "BR", "BH", "ZA", "AE", "CA")]
        public string? DataLocalizationRegion { get; set; }

        /// <summary>Reads the number first and skips it when it is already CONNECTED on CLOUD_API, so a re-run spends none of the register limit (<see cref="Api.RegisterLimit"/>).</summary>
        [Parameter]
        public SwitchParameter SkipIfRegistered { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            const string action = "Register with the WhatsApp Cloud API";
            if (!ShouldChange(action)) return;
            if (SkipIfRegistered)
            {
                var id = PhoneNumberId;
                PhoneNumber? current = null;
                ResolveSettings();
                if (!TryRun(id, () => current = ReadBack(id))) return;
                if (current!.Status == "CONNECTED" && current.PlatformType == "CLOUD_API")
                {
                    WriteVerbose($"Skipped {Target}: already CONNECTED on CLOUD_API.");
                    if (PassThru) WriteObject(current);
                    return;
                }
            }
            SendChange(action, id => Client.RegisterAsync(id, Pin, DataLocalizationRegion, Cancellation));
        }
    }
}
