using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace WhatsappPhone.Emulator.Graph;

/// <summary>
/// Graph's cursor paging for edges: limit 1..100 (default 25), opaque cursors naming the first and
/// last item of the page, absolute previous/next links, and summary=total_count.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 100;

    // Cursors name an item, not a position, so a page boundary survives changes elsewhere in the list.
    private const string CursorPrefix = "emulator-cursor:";

    public static IResult Respond<T>(GraphCall call, IReadOnlyList<T> items, Func<T, string> idOf, Action<Utf8JsonWriter, T> write)
    {
        var limit = DefaultLimit;
        if (call.Param("limit") is { } rawLimit
            && (!int.TryParse(rawLimit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return call.Fail(GraphErrors.InvalidParameter($"Param limit must be a number between 1 and {MaxLimit}, got '{rawLimit}'"));
        }

        int start;
        int end;
        if (call.Param("after") is { } after)
        {
            if (IndexOf(after) is not { } index) return call.Fail(InvalidCursor("after"));
            start = index + 1;
            end = Math.Min(start + limit, items.Count);
        }
        else if (call.Param("before") is { } before)
        {
            if (IndexOf(before) is not { } index) return call.Fail(InvalidCursor("before"));
            end = index;
            start = Math.Max(0, end - limit);
        }
        else
        {
            start = 0;
            end = Math.Min(limit, items.Count);
        }

        var summary = call.Param("summary")?.Split(',').Contains("total_count") == true;
        // Written as it is read, item by item: a page of 100 numbers needs no document in between.
        return call.Ok(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("data");
            for (var i = start; i < end; i++) write(writer, items[i]);
            writer.WriteEndArray();
            // An empty page has no cursors to give, so Graph leaves paging out.
            if (end > start)
            {
                var first = Cursor(idOf(items[start]));
                var last = Cursor(idOf(items[end - 1]));
                writer.WriteStartObject("paging");
                writer.WriteStartObject("cursors");
                writer.WriteString("before", first);
                writer.WriteString("after", last);
                writer.WriteEndObject();
                if (start > 0) writer.WriteString("previous", Link(call, "before", first));
                if (end < items.Count) writer.WriteString("next", Link(call, "after", last));
                writer.WriteEndObject();
            }
            if (summary)
            {
                writer.WriteStartObject("summary");
                writer.WriteNumber("total_count", items.Count);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        });

        int? IndexOf(string cursor)
        {
            var id = Decode(cursor);
            for (var i = 0; id is not null && i < items.Count; i++)
            {
                if (idOf(items[i]) == id) return i;
            }
            return null;
        }
    }

    private static string Cursor(string id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(CursorPrefix + id));

    private static string? Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith(CursorPrefix, StringComparison.Ordinal) ? text[CursorPrefix.Length..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static GraphError InvalidCursor(string name) =>
        GraphErrors.InvalidParameter($"The {name} cursor is not valid for this edge; use the cursors and links Graph returned");

    /// <summary>The same request with the cursor swapped, as an absolute URL, like Graph's paging links.</summary>
    private static string Link(GraphCall call, string cursorName, string cursor)
    {
        var request = call.Http.Request;
        var query = call.Params
            .Where(p => p.Key is not ("after" or "before"))
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")
            .Append($"{cursorName}={cursor}");
        return $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}?{string.Join('&', query)}";
    }
}
