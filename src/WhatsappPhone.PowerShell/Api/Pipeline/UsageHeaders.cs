using System;
using System.Collections.Generic;
using System.Text.Json;

namespace WhatsappPhone.Api.Pipeline;

/// <summary>Reads Graph's usage headers: X-App-Usage ({"call_count":..}) and X-Business-Use-Case-Usage ({"waba-id":[{..}]}). A header that does not parse reports nothing.</summary>
internal static class UsageHeaders
{
    public const string AppHeader = "X-App-Usage";
    public const string BusinessHeader = "X-Business-Use-Case-Usage";

    /// <summary>Each account's highest percentage in an X-Business-Use-Case-Usage header.</summary>
    public static List<(string Account, int Percent)> AccountPercents(string header)
    {
        var result = new List<(string, int)>();
        Read(header, root =>
        {
            if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in root.EnumerateObject())
                    result.Add((p.Name, Max(p.Value)));
            }
        });
        return result;
    }

    /// <summary>The largest call_count, total_cputime or total_time in a usage header (either shape).</summary>
    public static int MaxPercent(string header)
    {
        var max = 0;
        Read(header, root => max = Max(root));
        return max;
    }

    /// <summary>The longest estimated_time_to_regain_access (minutes; 0 means access is back now) in an X-Business-Use-Case-Usage header.</summary>
    public static int RegainMinutes(string? header)
    {
        var minutes = 0;
        if (header == null) return 0;
        Read(header, root =>
        {
            if (root.ValueKind != JsonValueKind.Object) return;
            foreach (var account in root.EnumerateObject())
            {
                if (account.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var entry in account.Value.EnumerateArray())
                    {
                        if (GraphJson.Property(entry, "estimated_time_to_regain_access") is { ValueKind: JsonValueKind.Number } m && m.TryGetInt32(out var v))
                            minutes = Math.Max(minutes, v);
                    }
                }
            }
        });
        return minutes;
    }

    private static void Read(string header, Action<JsonElement> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(header);
            read(doc.RootElement);
        }
        catch (JsonException)
        {
            // Not JSON: no reading.
        }
    }

    private static int Max(JsonElement e)
    {
        var max = 0;
        if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray()) max = Math.Max(max, Max(item));
        }
        else if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
            {
                max = Math.Max(max, p.Value.ValueKind == JsonValueKind.Number && p.Name is "call_count" or "total_cputime" or "total_time" && p.Value.TryGetInt32(out var v)
                    ? v : Max(p.Value));
            }
        }

        return max;
    }
}
