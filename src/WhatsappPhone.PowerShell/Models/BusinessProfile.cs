using System;

namespace WhatsappPhone.Models
{
    /// <summary>
    /// The business profile customers see for a number (GET /{id}/whatsapp_business_profile).
    /// Piped into Set-WaBusinessProfile, its fields bind by name, so one profile can be applied to
    /// other numbers (give -PhoneNumberId there).
    /// </summary>
    public sealed class BusinessProfile
    {
        public string PhoneNumberId { get; set; } = "";
        public string? About { get; set; }
        public string? Address { get; set; }
        public string? Description { get; set; }
        public string? Email { get; set; }
        public string[] Websites { get; set; } = Array.Empty<string>();
        /// <summary>The industry, such as RETAIL; a value this module does not know passes through unchanged.</summary>
        public string? Vertical { get; set; }
        public string? ProfilePictureUrl { get; set; }
        /// <summary>The websites on one line, separated by a space (for tables and Export-Csv; Set-WaBusinessProfile splits it again).</summary>
        public string WebsitesText => string.Join(" ", Websites);

        public override string ToString() => PhoneNumberId;
    }
}
