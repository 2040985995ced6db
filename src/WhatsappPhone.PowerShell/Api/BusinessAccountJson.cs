using System.Text.Json;
using WhatsappPhone.Models;

namespace WhatsappPhone.Api;

/// <summary>How a Graph WhatsApp Business Account object becomes a <see cref="BusinessAccount"/>.</summary>
internal static class BusinessAccountJson
{
    public static readonly string[] Fields =
    {
        "id", "name", "currency", "timezone_id", "message_template_namespace",
        "account_review_status", "business_verification_status", "ownership_type", "health_status",
    };

    /// <param name="e">The account's JSON object.</param>
    /// <param name="businessId">The portfolio it was listed from; $null when read by ID.</param>
    /// <param name="ownership">The portfolio edge it was listed from; $null when read by ID.</param>
    public static BusinessAccount Read(JsonElement e, string? businessId, BusinessAccountOwnership? ownership)
    {
        var account = new BusinessAccount
        {
            Id = GraphJson.Shown(GraphJson.Property(e, "id")) ?? "",
            Name = GraphJson.Shown(GraphJson.Property(e, "name")),
            Currency = GraphJson.Shown(GraphJson.Property(e, "currency")),
            TimezoneId = GraphJson.Shown(GraphJson.Property(e, "timezone_id")),
            MessageTemplateNamespace = GraphJson.Shown(GraphJson.Property(e, "message_template_namespace")),
            AccountReviewStatus = GraphJson.Shown(GraphJson.Property(e, "account_review_status")),
            BusinessVerificationStatus = GraphJson.Shown(GraphJson.Property(e, "business_verification_status")),
            OwnershipType = GraphJson.Shown(GraphJson.Property(e, "ownership_type")),
            Ownership = ownership,
            BusinessId = businessId,
        };
        if (GraphJson.Property(e, "health_status") is { } status)
        {
            var health = HealthStatusJson.Read(status);
            account.HealthStatus = health.CanSendMessage;
            account.HealthIssues = health.IssuesText;
            if (health.Errors.Count > 0) account.HealthErrors = health.Errors;
        }
        return account;
    }
}
