using System;

namespace WhatsappPhone.Webhooks
{
    /// <summary>A webhook body that cannot be taken: too large, not JSON, or not a WhatsApp Business Account notification.</summary>
    public sealed class WaWebhookException : Exception
    {
        public const string TooLarge = "WaWebhookBodyTooLarge";
        public const string MalformedJson = "WaWebhookMalformedJson";
        public const string NotWhatsAppNotification = "WaWebhookNotWhatsAppNotification";
        public const string SignatureInvalid = "WaWebhookSignatureInvalid";

        internal WaWebhookException(string errorId, string message, Exception? inner = null) : base(message, inner) => ErrorId = errorId;

        /// <summary>The FullyQualifiedErrorId of the error record: one of the constants of this class.</summary>
        public string ErrorId { get; }
    }
}
