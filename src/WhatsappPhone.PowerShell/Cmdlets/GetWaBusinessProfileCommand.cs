using System;
using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>Reads the business profile customers see for numbers (GET /{id}/whatsapp_business_profile).</summary>
[Cmdlet(VerbsCommon.Get, "WaBusinessProfile")]
[OutputType(typeof(BusinessProfile))]
public sealed class GetWaBusinessProfileCommand : WaApiCmdlet
{
    /// <summary>Phone-number IDs whose business profile to read; a piped PhoneNumber binds by its Id.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [PhoneNumberIdTransformation]
    [ValidateGraphId(IdKind.PhoneNumber)]
    [ArgumentCompleter(typeof(PhoneNumberIdCompleter))]
    public string[] PhoneNumberId { get; set; } = Array.Empty<string>();

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        ResolveSettings();
        foreach (var id in PhoneNumberId)
            TryRun(id, () => WriteObject(Wait(Client.GetBusinessProfileAsync(id, Cancellation))));
    }
}
