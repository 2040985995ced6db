using System.Management.Automation;
using System.Security;
using System.Threading.Tasks;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

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

    /// <summary>
    /// Where message content is stored at rest (local storage); omitted to use Meta's default. On API
    /// v21 and later it is turned on through the number's settings first; on v20 and earlier it is sent with register.
    /// </summary>
    [Parameter]
    [ValidateSet("AU", "ID", "IN", "JP", "SG", "KR", "DE", "CH", "GB", "BR", "BH", "ZA", "AE", "CA")]
    public string? DataLocalizationRegion { get; set; }

    /// <summary>
    /// Reads the number first and skips it when it is already CONNECTED on CLOUD_API, so a re-run spends none of the
    /// register limit (<see cref="Api.RegisterLimit"/>); a number whose approved display-name change waits for re-registration is not skipped.
    /// </summary>
    [Parameter]
    public SwitchParameter SkipIfRegistered { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var action = DataLocalizationRegion == null ? "Register with the WhatsApp Cloud API"
            : ResolveSettings().MajorVersion >= GraphClient.FirstVersionWithStorageSettings
                ? $"Turn local storage on in {DataLocalizationRegion} (settings), then register with the WhatsApp Cloud API"
                : $"Register with the WhatsApp Cloud API, storing data in {DataLocalizationRegion}";
        if (!ShouldChange(action)) return;
        if (SkipIfRegistered)
        {
            var id = PhoneNumberId;
            PhoneNumber? current = null;
            ResolveSettings();
            if (!TryRun(id, () => current = ReadBack(id))) return;
            if (current!.Status == "CONNECTED" && current.PlatformType == "CLOUD_API")
            {
                if (!current.NameChangeAwaitingRegistration)
                {
                    WriteVerbose($"Skipped {Target}: already CONNECTED on CLOUD_API.");
                    if (PassThru) WriteObject(current);
                    return;
                }
                WriteVerbose($"Not skipped: {Target} is registered, but its approved display name '{current.NewDisplayName}' shows only after it registers again.");
            }
        }
        SendChange(action, Register);
    }

    private async Task Register(string id)
    {
        var settings = ResolveSettings();
        if (DataLocalizationRegion == null || settings.MajorVersion < GraphClient.FirstVersionWithStorageSettings)
        {
            await Client.RegisterAsync(id, Pin, DataLocalizationRegion, Cancellation).ConfigureAwait(false);
            return;
        }
        // v21+: data_localization_region on /register is the old method; local storage is a setting of the unregistered number.
        var current = await Client.GetSettingsAsync(id, Cancellation).ConfigureAwait(false);
        if (current.LocalStorageEnabled && current.LocalStorageRegion == DataLocalizationRegion)
        {
            Log.Verbose($"Local storage of {id} is already on in {DataLocalizationRegion}.");
        }
        else
        {
            await LocalStorage.RequireUnregisteredAsync(Client, settings, id, Cancellation).ConfigureAwait(false);
            await Client.SetLocalStorageAsync(id, DataLocalizationRegion, Cancellation).ConfigureAwait(false);
            Log.Verbose($"Turned local storage on in {DataLocalizationRegion} for {id} (API {settings.ApiVersion}: through settings, before registering).");
        }
        await Client.RegisterAsync(id, Pin, null, Cancellation).ConfigureAwait(false);
    }
}
