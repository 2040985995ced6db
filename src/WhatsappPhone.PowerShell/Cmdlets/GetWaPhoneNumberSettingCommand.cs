using System;
using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>Reads a number's settings (GET /{id}/settings): local storage, the identity-key check, and the rest as JSON.</summary>
[Cmdlet(VerbsCommon.Get, "WaPhoneNumberSetting")]
[OutputType(typeof(PhoneNumberSetting))]
public sealed class GetWaPhoneNumberSettingCommand : WaApiCmdlet
{
    /// <summary>Phone-number IDs whose settings to read; a piped PhoneNumber binds by its Id.</summary>
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
            TryRun(id, () => WriteObject(Wait(Client.GetSettingsAsync(id, Cancellation))));
    }
}
