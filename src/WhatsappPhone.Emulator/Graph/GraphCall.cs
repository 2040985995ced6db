using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace WhatsappPhone.Emulator.Graph;

/// <summary>
/// One Graph request as the endpoints see it: version, parameters merged from query, form and JSON
/// body, trace IDs, and the helpers that write Graph-shaped answers. Built by the pipeline; endpoints
/// receive it as a parameter through <see cref="BindAsync"/>.
/// </summary>
public sealed partial class GraphCall
{
    /// <summary>What Graph serves a request without a usable version with.</summary>
    public const string UnversionedDefault = "v25.0";

    public const string JsonContentType = "application/json; charset=UTF-8";

    /// <summary>Unlike the defaults, keeps '+' and quotes readable, as Graph does ("+1 555-093-4873").</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly OrderedDictionary<string, string> _params = new(StringComparer.Ordinal);

    private GraphCall(HttpContext http)
    {
        Http = http;
        Segments = (http.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (Segments.Length > 0 && VersionPattern().IsMatch(Segments[0]) && System.Version.TryParse(Segments[0][1..], out var parsed))
        {
            Version = Segments[0];
            ApiVersion = parsed;
        }
    }

    public HttpContext Http { get; }

    /// <summary>The path's version segment ("v19.0"), or null when the path has none.</summary>
    public string? Version { get; }

    public Version? ApiVersion { get; }

    public string ServedVersion => Version ?? UnversionedDefault;

    public string[] Segments { get; }

    /// <summary>The node the request is about: the segment after the version.</summary>
    public string? ObjectId => Version is not null && Segments.Length > 1 ? Segments[1] : null;

    /// <summary>Graph puts this one in the body as fbtrace_id and in X-Fb-Request-Id.</summary>
    public string RequestId { get; } = "A" + RandomId(22);

    public string TraceId { get; } = RandomId(11);

    /// <summary>Parameters in the order sent: query first, then the body (which wins on a clash).</summary>
    public IEnumerable<KeyValuePair<string, string>> Params => _params;

    public string? RawBody { get; private set; }

    /// <summary>Set when the body could not be read as parameters; answered after authentication.</summary>
    public GraphError? BodyError { get; private set; }

    public string? Param(string name) => _params.GetValueOrDefault(name);

    /// <summary>The bearer token from the Authorization header, else the access_token parameter.</summary>
    public string? PresentedToken
    {
        get
        {
            var header = Http.Request.Headers.Authorization.ToString().Trim();
            foreach (var scheme in (string[])["Bearer ", "OAuth "])
            {
                if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return header[scheme.Length..].Trim();
            }
            return header.Length > 0 ? header : Param("access_token");
        }
    }

    public static async Task<GraphCall> ReadAsync(HttpContext http)
    {
        var call = new GraphCall(http);
        foreach (var (key, value) in http.Request.Query) call._params[key] = value.ToString();

        var request = http.Request;
        request.EnableBuffering();
        using (var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true))
        {
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            call.RawBody = body.Length > 0 ? body : null;
        }
        request.Body.Position = 0;

        if (call.RawBody is null) return call;
        if (request.HasJsonContentType())
        {
            call.ReadJsonBody(call.RawBody);
        }
        else if (request.HasFormContentType)
        {
            foreach (var (key, value) in await request.ReadFormAsync(http.RequestAborted)) call._params[key] = value.ToString();
        }
        return call;
    }

    public static ValueTask<GraphCall?> BindAsync(HttpContext http) => ValueTask.FromResult(http.Items[typeof(GraphCall)] as GraphCall);

    public IResult Ok(JsonNode body) => new GraphResult(StatusCodes.Status200OK, body);

    /// <summary>A 200 whose body <paramref name="write"/> writes as JSON (with <see cref="Json"/>'s escaping).</summary>
    public IResult Ok(Action<Utf8JsonWriter> write) => new WrittenResult(write);

    public IResult Success() => Ok(new JsonObject { ["success"] = true });

    public IResult Fail(GraphError error)
    {
        Http.Response.Headers.WWWAuthenticate = error.Challenge;
        return new GraphResult(error.HttpStatus, error.ToJson(RequestId));
    }

    private void ReadJsonBody(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is not JsonObject json)
            {
                BodyError = GraphErrors.InvalidParameter("The request body must be a JSON object");
                return;
            }
            foreach (var (key, value) in json)
            {
                // Strings as such; numbers, booleans, arrays (filtering) as their JSON text, as in a query string.
                if (value is null) continue;
                _params[key] = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
            }
        }
        catch (JsonException)
        {
            BodyError = GraphErrors.InvalidParameter("The request body is not valid JSON");
        }
    }

    private static string RandomId(int length)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        return RandomNumberGenerator.GetString(Alphabet, length);
    }

    [GeneratedRegex(@"^v[0-9]+\.[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    private sealed class WrittenResult(Action<Utf8JsonWriter> write) : IResult
    {
        private static readonly JsonWriterOptions Options = new() { Encoder = Json.Encoder };

        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = JsonContentType;
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(16 * 1024);
            using (var writer = new Utf8JsonWriter(buffer, Options)) write(writer);
            return http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted).AsTask();
        }
    }

    private sealed class GraphResult(int status, JsonNode body) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = JsonContentType;
            return http.Response.WriteAsync(body.ToJsonString(Json), http.RequestAborted);
        }
    }
}
