using System;

namespace WhatsappPhone.Models;

/// <summary>
/// The business profile customers see for a number (GET /{id}/whatsapp_business_profile).
/// Piped into Set-WaBusinessProfile, its fields bind by name, so one profile can be applied to
/// other numbers (give -PhoneNumberId there).
/// </summary>
public sealed class BusinessProfile
{
    /// <summary>The phone-number ID whose profile this is.</summary>
    public string PhoneNumberId { get; set; } = "";
    /// <summary>The About text shown in the profile.</summary>
    public string? About { get; set; }
    /// <summary>The business's address.</summary>
    public string? Address { get; set; }
    /// <summary>The description of the business.</summary>
    public string? Description { get; set; }
    /// <summary>The contact email address.</summary>
    public string? Email { get; set; }
    /// <summary>Up to two websites.</summary>
    public string[] Websites { get; set; } = Array.Empty<string>();
    /// <summary>The industry, such as RETAIL; a value this module does not know passes through unchanged.</summary>
    public string? Vertical { get; set; }
    /// <summary>Where Meta serves the profile picture (a temporary URL).</summary>
    public string? ProfilePictureUrl { get; set; }
    /// <summary>The websites on one line, separated by a space (for tables and Export-Csv; Set-WaBusinessProfile splits it again).</summary>
    public string WebsitesText => string.Join(" ", Websites);

    /// <inheritdoc/>
    public override string ToString() => PhoneNumberId;
}
