using System;
using System.Management.Automation;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>Reads the business profile customers see for numbers (GET /{id}/whatsapp_business_profile).</summary>
    [Cmdlet(VerbsCommon.Get, "WaBusinessProfile")]
    [OutputType(typeof(BusinessProfile))]
    public sealed class GetWaBusinessProfileCommand : WaApiCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [PhoneNumberIdTransformation]
        [ValidateGraphId("phone-number ID")]
        [ArgumentCompleter(typeof(PhoneNumberIdCompleter))]
        public string[] PhoneNumberId { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            foreach (var id in PhoneNumberId)
                TryRun(id, () => WriteObject(Wait(Client.GetBusinessProfileAsync(id, Cancellation))));
        }
    }
}
