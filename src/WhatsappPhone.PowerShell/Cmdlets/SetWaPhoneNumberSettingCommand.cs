using System.Management.Automation;
using System.Threading.Tasks;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>
    /// Changes a number's settings (POST /{id}/settings), one feature per request as Graph requires:
    /// local storage (only while the number is not registered) and the identity-key check.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "WaPhoneNumberSetting", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = IdentityKeySet)]
    [OutputType(typeof(PhoneNumberSetting))]
    public sealed class SetWaPhoneNumberSettingCommand : WaPhoneNumberActionCmdlet
    {
        const string EnableSet = "EnableLocalStorage";
        const string DisableSet = "DisableLocalStorage";
        const string IdentityKeySet = "IdentityKeyCheck";

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
            var changed = false;
            if (ParameterSetName != IdentityKeySet)
            {
                var region = DisableLocalStorage ? null : LocalStorageRegion;
                if (!ShouldChange(region == null ? "Turn local storage off" : $"Turn local storage on in {region}")) return;
                ResolveSettings();
                if (!TryRun(id, () => Wait(SetLocalStorage(id, region)))) return;
                changed = true;
            }
            if (MyInvocation.BoundParameters.ContainsKey(nameof(IdentityKeyCheck)) && ShouldChange($"Turn the identity-key check {(IdentityKeyCheck ? "on" : "off")}"))
            {
                ResolveSettings();
                changed |= TryRun(id, () => Wait(Client.SetIdentityKeyCheckAsync(id, IdentityKeyCheck, Cancellation)));
            }
            if (changed && PassThru) TryRun(id, () => WriteObject(Wait(Client.GetSettingsAsync(id, Cancellation))));
        }

        async Task SetLocalStorage(string id, string? region)
        {
            await LocalStorage.RequireUnregisteredAsync(Client, ResolveSettings(), id, Cancellation).ConfigureAwait(false);
            await Client.SetLocalStorageAsync(id, region, Cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Local storage changes only while a number is not registered: say so before sending anything that would be refused.</summary>
    internal static class LocalStorage
    {
        public static async Task RequireUnregisteredAsync(GraphClient client, GraphSettings settings, string id, System.Threading.CancellationToken cancellationToken)
        {
            var number = await client.GetPhoneNumberAsync(id, PhoneNumberJson.FieldsFor(settings.MajorVersion), null, cancellationToken).ConfigureAwait(false);
            if (number.PlatformType == "CLOUD_API" || number.Status == "CONNECTED")
                throw new WaStateException(
                    $"Local storage of phone number {id} can only change while the number is not registered, and it is registered ({number.Status}, {number.PlatformType}). " +
                    "Nothing was sent. Deregister it (Unregister-WaPhoneNumber), change local storage, then register it again.",
                    "WaLocalStorageNeedsUnregisteredNumber");
        }
    }
}
