namespace WhatsappPhone.Models
{
    /// <summary>Whether a business portfolio owns a WhatsApp Business Account or manages it for a client.</summary>
    public enum BusinessAccountOwnership
    {
        Owned,
        Client,
    }

    /// <summary>A WhatsApp Business Account (WABA) of a business portfolio. Piped into Get-WaPhoneNumber, it lists its numbers.</summary>
    public sealed class BusinessAccount
    {
        /// <summary>The WhatsApp Business Account ID.</summary>
        public string Id { get; set; } = "";
        public string? Name { get; set; }
        public BusinessAccountOwnership Ownership { get; set; }
        public string? Currency { get; set; }
        public string? TimezoneId { get; set; }
        public string? MessageTemplateNamespace { get; set; }
        /// <summary>The business portfolio it was listed from.</summary>
        public string? BusinessId { get; set; }

        public override string ToString() => Id;
    }
}
