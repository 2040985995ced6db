using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Changes a number's settings (POST /{id}/settings), one feature per request as Graph requires:
/// local storage (only while the number is not registered) and the identity-key check.
/// </summary>
[Cmdlet(VerbsCommon.Set, "WaPhoneNumberSetting", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = IdentityKeySet)]
[OutputType(typeof(PhoneNumberSetting))]
public sealed class SetWaPhoneNumberSettingCommand : WaPhoneNumberActionCmdlet
{
    private const string EnableSet = "EnableLocalStorage";
    private const string DisableSet = "DisableLocalStorage";
    private const string IdentityKeySet = "IdentityKeyCheck";

    /// <summary>Turns local storage on, keeping message data at rest in this region.</summary>
    [Parameter(ParameterSetName = EnableSet, Mandatory = true)]
    [ValidateSet("AE", "AU", "BH", "BR", "CA", "CH", "DE", "GB", "ID", "IN", "JP", "KR", "SG", "ZA")]
    public string? LocalStorageRegion { get; set; }

    /// <summary>Turns local storage off (status DEFAULT).</summary>
    [Parameter(ParameterSetName = DisableSet, Mandatory = true)]
    public SwitchParameter DisableLocalStorage { get; set; }

    /// <summary>Whether Graph checks the identity key of the customer before sending (user_identity_change).</summary>
    [Parameter(ParameterSetName = EnableSet)]
    [Parameter(ParameterSetName = DisableSet)]
    [Parameter(ParameterSetName = IdentityKeySet, Mandatory = true)]
    public bool IdentityKeyCheck { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var id = PhoneNumberId;
        var target = Target;
        var check = $"Get-WaPhoneNumberSetting -PhoneNumberId {id}";
        var done = new List<string>();
        if (ParameterSetName != IdentityKeySet)
        {
            var region = DisableLocalStorage ? null : LocalStorageRegion;
            var action = region == null ? "Turn local storage off" : $"Turn local storage on in {region}";
            if (!ShouldChange(action)) return;
            var settings = ResolveSettings();
            if (!TryRun(id, () =>
            {
                Wait(LocalStorage.RequireUnregisteredAsync(Client, settings, id, Cancellation));
                WaitForChange(Client.SetLocalStorageAsync(id, region, Cancellation), target, action, check);
            }))
            {
                return;
            }

            done.Add(action);
        }
        if (MyInvocation.BoundParameters.ContainsKey(nameof(IdentityKeyCheck)))
        {
            var action = $"Turn the identity-key check {(IdentityKeyCheck ? "on" : "off")}";
            if (ShouldChange(action))
            {
                ResolveSettings();
                if (TryRun(id, () => WaitForChange(Client.SetIdentityKeyCheckAsync(id, IdentityKeyCheck, Cancellation), target, action, check))) done.Add(action);
            }
        }
        if (done.Count > 0 && PassThru)
            TryRun(id, () => ReadBackAfterChange(() => WriteObject(Wait(Client.GetSettingsAsync(id, Cancellation))), target, string.Join("; ", done), check));
    }
}

/// <summary>Local storage changes only while a number is not registered: say so before sending anything that would be refused.</summary>
internal static class LocalStorage
{
    public static async Task RequireUnregisteredAsync(GraphClient client, GraphSettings settings, string id, System.Threading.CancellationToken cancellationToken)
    {
        var number = await client.GetPhoneNumberAsync(id, PhoneNumberJson.FieldsFor(settings.MajorVersion), null, cancellationToken).ConfigureAwait(false);
        if (number.PlatformType == "CLOUD_API" || number.Status == "CONNECTED")
        {
            throw new WaStateException(
                $"Local storage of phone number {id} can only change while the number is not registered, and it is registered ({number.Status}, {number.PlatformType}). " +
                "Nothing was sent. Deregister it (Unregister-WaPhoneNumber), change local storage, then register it again.",
                "WaLocalStorageNeedsUnregisteredNumber");
        }
    }
}
