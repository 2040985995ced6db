using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace WhatsappPhone.Emulator.Control;

/// <summary>How the body-shaping faults (loop, slow, huge, gzip bomb) turn the real answer into a hostile one.</summary>
public static class FaultBodies
{
    private const int WriteSize = 64 * 1024;

    private static readonly object CacheLock = new();
    private static (string Key, byte[] Bytes)? _lastBomb;

    /// <summary>The real answer with paging.next pointing at this very request, or at the first page of the listing.</summary>
    public static ReadOnlyMemory<byte> Loop(ReadOnlyMemory<byte> body, HttpRequest request, string? loopTo)
    {
        if (JsonNode.Parse(body.Span) is not JsonObject json) return body;
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.QueryString.Value);
        var isFirstPage = !query.ContainsKey("after") && !query.ContainsKey("before");
        // Pointing the first page at itself would not alternate; its real next leads to the page that points back.
        if (loopTo == "first" && isFirstPage) return body;
        var kept = loopTo == "first"
            ? query.Where(p => p.Key is not ("after" or "before"))
            : query;
        var link = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}";
        var pairs = kept.SelectMany(p => p.Value.Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? "")}")).ToArray();
        if (pairs.Length > 0) link += "?" + string.Join('&', pairs);
        if (json["paging"] is not JsonObject paging) json["paging"] = paging = new JsonObject();
        paging["next"] = link;
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    /// <summary>Headers at once (with the whole Content-Length), then the body a chunk at a time.</summary>
    public static async Task DribbleAsync(HttpContext http, Stream network, ReadOnlyMemory<byte> body, int chunkBytes, int delayMs)
    {
        http.Response.ContentLength = body.Length;
        await http.Response.StartAsync(http.RequestAborted);
        for (var offset = 0; offset < body.Length; offset += chunkBytes)
        {
            if (offset > 0) await Task.Delay(delayMs, http.RequestAborted);
            await network.WriteAsync(body.Slice(offset, Math.Min(chunkBytes, body.Length - offset)), http.RequestAborted);
            await network.FlushAsync(http.RequestAborted);
        }
    }

    /// <summary>
    /// A valid JSON answer of exactly <paramref name="size"/> bytes, written as it is made: a listing's
    /// items repeated (far more than the limit asked for), any other answer padded with whitespace.
    /// </summary>
    public static async Task WriteHugeAsync(HttpContext http, Stream network, ReadOnlyMemory<byte> body, long size)
    {
        var items = JsonNode.Parse(body.Span) is JsonObject { } json && json["data"] is JsonArray { Count: > 0 } data
            ? data.Select(i => Encoding.UTF8.GetBytes(i!.ToJsonString())).ToArray()
            : null;
        http.Response.ContentLength = size;
        await using var output = new BufferedStream(network, WriteSize);
        if (items is null)
        {
            await WritePaddedAsync(output, body, size, http.RequestAborted);
            return;
        }
        var written = 0L;
        async Task Write(byte[] bytes)
        {
            await output.WriteAsync(bytes, http.RequestAborted);
            written += bytes.Length;
        }
        await Write("{\"data\":["u8.ToArray());
        for (var i = 0; ; i++)
        {
            var item = items[i % items.Length];
            var comma = i > 0 ? 1 : 0;
            if (written + comma + item.Length + 2 > size) break;
            if (comma == 1) await Write([(byte)',']);
            await Write(item);
        }
        await Write([(byte)']']);
        await WriteSpacesAsync(output, size - written - 1, http.RequestAborted);
        await output.WriteAsync(new[] { (byte)'}' }, http.RequestAborted);
    }

    /// <summary>The real answer padded with whitespace to <paramref name="size"/> bytes, gzip-compressed: a few hundred KB on the wire.</summary>
    public static async Task WriteGzipBombAsync(HttpContext http, Stream network, ReadOnlyMemory<byte> body, long size)
    {
        var key = $"{size}:{Convert.ToBase64String(body.Span)}";
        byte[] compressed;
        lock (CacheLock) compressed = _lastBomb is { } last && last.Key == key ? last.Bytes : null!;
        if (compressed is null)
        {
            using var buffer = new MemoryStream();
            await using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
                await WritePaddedAsync(gzip, body, size, http.RequestAborted);
            compressed = buffer.ToArray();
            lock (CacheLock) _lastBomb = (key, compressed);
        }
        http.Response.Headers.ContentEncoding = "gzip";
        http.Response.ContentLength = compressed.Length;
        await network.WriteAsync(compressed, http.RequestAborted);
    }

    /// <summary>The body without its closing brace, whitespace, then the brace: valid JSON only once read to the end.</summary>
    private static async Task WritePaddedAsync(Stream output, ReadOnlyMemory<byte> body, long size, CancellationToken cancel)
    {
        var open = body.Span.LastIndexOf((byte)'}');
        if (open < 0 || size < body.Length) throw new InvalidOperationException("The answer is not a JSON object smaller than the size asked for.");
        await output.WriteAsync(body[..open], cancel);
        await WriteSpacesAsync(output, size - body.Length, cancel);
        await output.WriteAsync(body[open..], cancel);
    }

    private static async Task WriteSpacesAsync(Stream output, long count, CancellationToken cancel)
    {
        var spaces = new byte[WriteSize];
        Array.Fill(spaces, (byte)' ');
        for (; count > 0; count -= spaces.Length)
            await output.WriteAsync(spaces.AsMemory(0, (int)Math.Min(count, spaces.Length)), cancel);
    }
}
