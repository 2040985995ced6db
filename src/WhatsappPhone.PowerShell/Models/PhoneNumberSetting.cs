namespace WhatsappPhone.Models;

/// <summary>
/// The settings of a number (GET /{id}/settings): local storage and the identity-key check typed,
/// everything else (calling, payload encryption, ...) as Graph's JSON text.
/// </summary>
public sealed class PhoneNumberSetting
{
    /// <summary>The phone-number ID whose settings these are.</summary>
    public string PhoneNumberId { get; set; } = "";
    /// <summary>storage_configuration.status: IN_COUNTRY_STORAGE_ENABLED or DEFAULT, as Graph writes it.</summary>
    public string? LocalStorageStatus { get; set; }
    /// <summary>Where message data is stored at rest when local storage is on, such as DE.</summary>
    public string? LocalStorageRegion { get; set; }
    /// <summary>True when local storage (in-country storage) is on.</summary>
    public bool LocalStorageEnabled { get; set; }
    /// <summary>user_identity_change.enable_identity_key_check; $null when Graph did not say.</summary>
    public bool? IdentityKeyCheck { get; set; }
    /// <summary>The other settings Graph returned, as a JSON object text.</summary>
    public string? OtherSettings { get; set; }

    /// <inheritdoc/>
    public override string ToString() => PhoneNumberId;
}
