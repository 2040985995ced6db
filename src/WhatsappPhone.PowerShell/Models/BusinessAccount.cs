namespace WhatsappPhone.Models
{
    /// <summary>Whether a business portfolio owns a WhatsApp Business Account or manages it for a client.</summary>
    public enum BusinessAccountOwnership
    {
        /// <summary>The portfolio owns the account.</summary>
        Owned,
        /// <summary>The portfolio manages the account for a client.</summary>
        Client,
    }

    /// <summary>A WhatsApp Business Account (WABA) of a business portfolio. Piped into Get-WaPhoneNumber, it lists its numbers.</summary>
    public sealed class BusinessAccount
    {
        /// <summary>The WhatsApp Business Account ID.</summary>
        public string Id { get; set; } = "";
        /// <summary>The account's name.</summary>
        public string? Name { get; set; }
        /// <summary>Whether the portfolio owns the account or manages it for a client.</summary>
        public BusinessAccountOwnership Ownership { get; set; }
        /// <summary>The currency the account is billed in, such as USD.</summary>
        public string? Currency { get; set; }
        /// <summary>Graph's time-zone ID of the account.</summary>
        public string? TimezoneId { get; set; }
        /// <summary>The namespace of the account's message templates.</summary>
        public string? MessageTemplateNamespace { get; set; }
        /// <summary>The business portfolio it was listed from.</summary>
        public string? BusinessId { get; set; }

        /// <inheritdoc/>
        public override string ToString() => Id;
    }
}
