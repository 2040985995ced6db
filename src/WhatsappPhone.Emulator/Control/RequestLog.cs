using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace WhatsappPhone.Emulator.Control;

/// <summary>A Graph request as the control API reports it. Status 0 means the connection was dropped.</summary>
public sealed record RequestLogEntry(string Method, string Path, string Query, string? Body, int Status, DateTimeOffset Time, string? Fault);

/// <summary>Graph requests in arrival order (control calls are not logged); tests count attempts with it.
/// Locked on its own, because a request the client abandoned is logged outside the state gate.</summary>
public sealed partial class RequestLog
{
    // Bounded so a long benchmark run cannot exhaust memory; the newest entries are the ones kept.
    private const int Capacity = 100_000;

    private readonly Queue<RequestLogEntry> _entries = new();

    public IReadOnlyList<RequestLogEntry> Entries
    {
        get { lock (_entries) return _entries.ToArray(); }
    }

    public void Add(RequestLogEntry entry)
    {
        lock (_entries)
        {
            if (_entries.Count == Capacity) _entries.Dequeue();
            _entries.Enqueue(entry);
        }
    }

    public void Clear()
    {
        lock (_entries) _entries.Clear();
    }

    private static readonly string[] SecretNames = ["pin", "code", "verify_token", "access_token"];

    /// <summary>
    /// A request body fit for the log: a PIN's or code's value becomes one '*' per character, so a
    /// test still sees that it went as a string of six, and a screen share shows no secret.
    /// </summary>
    public static string? Redact(string? body)
    {
        if (body is null) return null;
        try
        {
            if (JsonNode.Parse(body) is JsonObject json)
            {
                RedactIn(json);
                return json.ToJsonString();
            }
        }
        catch (JsonException)
        {
        }
        return FormSecret().Replace(body, m => m.Groups[1].Value + new string('*', Uri.UnescapeDataString(m.Groups[2].Value).Length));
    }

    /// <summary>Secrets anywhere in a JSON body, nested ones included (webhook_configuration.verify_token).</summary>
    private static void RedactIn(JsonObject json)
    {
        foreach (var (name, value) in json.ToArray())
        {
            if (value is JsonObject inner) RedactIn(inner);
            else if (value is not null && SecretNames.Contains(name))
                json[name] = value.GetValueKind() == JsonValueKind.String ? new string('*', value.GetValue<string>().Length) : "***";
        }
    }

    [GeneratedRegex(@"(?<=^|&)((?:pin|code|verify_token|access_token)=)([^&]*)", RegexOptions.CultureInvariant)]
    private static partial Regex FormSecret();
}
