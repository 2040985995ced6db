using System;
using System.Text.Json;

namespace WhatsappPhone.Api;

/// <summary>Tolerant reading of Graph JSON: any field may be missing or of an unexpected kind.</summary>
internal static class GraphJson
{
    public static JsonElement? Property(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : (JsonElement?)null;

    /// <summary>
    /// A string as itself; numbers, booleans, objects and arrays as their JSON text; null as null.
    /// A value that cannot be decoded (invalid UTF-8) is null: it costs that value, not the page.
    /// Control characters, escape sequences and bidirectional overrides are removed
    /// (<see cref="ServerText.Clean"/>) from either: JSON text may hold C1 controls unescaped.
    /// </summary>
    public static string? Text(JsonElement? v)
    {
        try
        {
            return v switch
            {
                null => null,
                { ValueKind: JsonValueKind.String } s => ServerText.Clean(s.GetString()),
                { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
                { } other => ServerText.Clean(other.GetRawText()),
            };
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A value for an output object: <see cref="Text"/>, shortened to <see cref="ServerText.MaxLength"/>.</summary>
    public static string? Shown(JsonElement? v) => ServerText.Shorten(Text(v));

    /// <summary>A count: a non-negative JSON integer that fits a long; anything else (1.5, -3, 1e30, "12") is null.</summary>
    public static long? Count(JsonElement? v) =>
        v is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var count) && count >= 0 ? count : (long?)null;

}
