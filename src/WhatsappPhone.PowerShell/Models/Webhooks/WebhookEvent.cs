using System;

namespace WhatsappPhone.Models.Webhooks;

/// <summary>
/// One change of a webhook notification (one item of entry[].changes[]). The field's own type
/// derives from this; a field or event this module does not know comes as this type, with its
/// Value, never as an error.
/// </summary>
public class WebhookEvent
{
    /// <summary>
    /// The same for every delivery of the same change (Meta re-delivers for up to 36 hours), so
    /// it de-duplicates: a hash of the account ID, the field, the entry's time and the change.
    /// </summary>
    public string Id { get; internal set; } = "";
    /// <summary>entry[].id: the WhatsApp Business Account ID (never a phone-number ID).</summary>
    public string? BusinessAccountId { get; internal set; }
    /// <summary>changes[].field, such as phone_number_quality_update.</summary>
    public string? Field { get; internal set; }
    /// <summary>entry[].time (Unix seconds in the payload); $null when the entry has none, as in messages notifications.</summary>
    public DateTimeOffset? Time { get; internal set; }
    /// <summary>The number the change is about, as + and digits (the payload gives bare digits); $null when it names none.</summary>
    public string? DisplayPhoneNumber { get; internal set; }
    /// <summary>The phone-number ID, where the payload has one (messages, alerts about a number) or -Resolve found it.</summary>
    public string? PhoneNumberId { get; internal set; }
    /// <summary>value.event as Meta sent it (any value passes through); $null for fields without one.</summary>
    public string? Event { get; internal set; }
    /// <summary>
    /// The change's value object as raw JSON text, as received (a lone surrogate escape reads \ufffd),
    /// for what has no typed property. It is JSON, not cleaned text: parse it before showing its strings.
    /// </summary>
    public string Value { get; internal set; } = "{}";

    /// <inheritdoc/>
    public override string ToString() => Id;
}
