using System;

namespace WhatsappPhone.Webhooks;

/// <summary>A webhook body that cannot be taken: too large, not JSON, ambiguous JSON, or not a WhatsApp Business Account notification.</summary>
public sealed class WaWebhookException : Exception
{
    /// <summary>The error ID of a body over the size limit.</summary>
    public const string TooLarge = "WaWebhookBodyTooLarge";
    /// <summary>The error ID of a body that is not JSON.</summary>
    public const string MalformedJson = "WaWebhookMalformedJson";
    /// <summary>The error ID of a body that is not a WhatsApp Business Account notification.</summary>
    public const string NotWhatsAppNotification = "WaWebhookNotWhatsAppNotification";
    /// <summary>The error ID of a notification with more changes than one may carry (<see cref="WebhookNotification.MaxEvents"/>).</summary>
    public const string TooManyEvents = "WaWebhookTooManyEvents";
    /// <summary>The error ID of a body with a property name twice in one object, which JSON readers resolve differently.</summary>
    public const string DuplicateProperty = "WaWebhookDuplicateProperty";
    /// <summary>The error ID of a spool folder another listener is using.</summary>
    public const string SpoolLocked = "WaWebhookSpoolLocked";
    /// <summary>The error ID of a spool folder that cannot be created or used.</summary>
    public const string SpoolUnusable = "WaWebhookSpoolUnusable";
    /// <summary>The error ID of a spool file that is not the body Meta signed, or cannot be read: it is moved aside.</summary>
    public const string SpoolEntryRejected = "WaWebhookSpoolEntryRejected";
    /// <summary>The error ID of a body whose signature does not match.</summary>
    public const string SignatureInvalid = "WaWebhookSignatureInvalid";

    internal WaWebhookException(string errorId, string message, Exception? inner = null) : base(message, inner) => ErrorId = errorId;

    /// <summary>The FullyQualifiedErrorId of the error record: one of the constants of this class.</summary>
    public string ErrorId { get; }
}
