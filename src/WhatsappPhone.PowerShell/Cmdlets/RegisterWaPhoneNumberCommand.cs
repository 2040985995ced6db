using System.Management.Automation;
using System.Security;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>Registers a phone number for the WhatsApp Cloud API with its two-step verification PIN.</summary>
    [Cmdlet(VerbsLifecycle.Register, "WaPhoneNumber", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(PhoneNumber))]
    public sealed class RegisterWaPhoneNumberCommand : WaApiCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ValidateGraphId("phone-number ID")]
        public string PhoneNumberId { get; set; } = "";

        /// <summary>The six-digit two-step verification PIN, as a string or SecureString.</summary>
        [Parameter(Mandatory = true)]
        [SecretTransformation]
        [ValidatePin]
        public SecureString Pin { get; set; } = null!;

        /// <summary>Where message content is stored at rest (Local Storage); omitted to use Meta's default.</summary>
        [Parameter]
        [ValidateSet("AU", "ID", "IN", "JP", "SG", "KR", "DE", "CH", "GB", "BR", "BH", "ZA", "AE", "CA")]
        public string? DataLocalizationRegion { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var id = PhoneNumberId;
            if (!ShouldProcess($"phone number {id}", "Register with the WhatsApp Cloud API")) return;
            TryRun(id, () =>
            {
                Wait(Client.RegisterAsync(id, Pin, DataLocalizationRegion, Cancellation));
                WriteVerbose($"Registered phone number {id}.");
                if (PassThru) WriteObject(Wait(Client.GetPhoneNumberAsync(id, PhoneNumberJson.FieldsFor(Settings.MajorVersion), null, Cancellation)));
            });
        }
    }
}
