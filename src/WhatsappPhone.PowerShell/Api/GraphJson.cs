using System.Text.Json;

namespace WhatsappPhone.Api
{
    /// <summary>Tolerant reading of Graph JSON: any field may be missing or of an unexpected kind.</summary>
    internal static class GraphJson
    {
        public static JsonElement? Property(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : (JsonElement?)null;

        /// <summary>A string as itself; numbers, booleans, objects and arrays as their JSON text; null as null.</summary>
        public static string? Text(JsonElement? v) => v switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
            { } other => other.GetRawText(),
        };

    }
}
