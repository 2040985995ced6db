using System.Text.Json;
using WhatsappPhone.Models;

namespace WhatsappPhone.Api
{
    /// <summary>How a Graph WhatsApp Business Account object becomes a <see cref="BusinessAccount"/>.</summary>
    internal static class BusinessAccountJson
    {
        public static readonly string[] Fields = { "id", "name", "currency", "timezone_id", "message_template_namespace" };

        public static BusinessAccount Read(JsonElement e, string businessId, BusinessAccountOwnership ownership) => new BusinessAccount
        {
            Id = GraphJson.Shown(GraphJson.Property(e, "id")) ?? "",
            Name = GraphJson.Shown(GraphJson.Property(e, "name")),
            Currency = GraphJson.Shown(GraphJson.Property(e, "currency")),
            TimezoneId = GraphJson.Shown(GraphJson.Property(e, "timezone_id")),
            MessageTemplateNamespace = GraphJson.Shown(GraphJson.Property(e, "message_template_namespace")),
            Ownership = ownership,
            BusinessId = businessId,
        };
    }
}
