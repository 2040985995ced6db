namespace WhatsappPhone.Models.Webhooks;

/// <summary>
/// messages: only where it is routed (PhoneNumberId and DisplayPhoneNumber from value.metadata)
/// and how much it carries. The messages themselves stay in Value; this module manages numbers.
/// </summary>
public sealed class MessagesEvent : WebhookEvent
{
    /// <summary>How many items value.messages holds.</summary>
    public int MessageCount { get; internal set; }
    /// <summary>How many items value.statuses holds.</summary>
    public int StatusCount { get; internal set; }
}
