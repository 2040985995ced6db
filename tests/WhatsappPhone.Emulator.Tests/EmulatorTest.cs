using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace WhatsappPhone.Emulator.Tests;

/// <summary>IDs in the default seed.json that the tests (and users) rely on.</summary>
public static class Seeded
{
    public const string Business = "2245160378861502";
    public const string RecordedWaba = "114503234599312";
    public const string RecordedNumber = "107878721936019";
    public const string RecordedPin = "123456";
    public const string RichWaba = "104996122399160";
    public const string Connected = "106540352242922";
    public const string ConnectedPin = "246810";
    public const string ReadyWithoutPin = "1120467832615094";
    public const string ReadyWithPin = "113980272650307";
    public const string ReadyPin = "135790";
    public const string PendingName = "1095628394417265";
    public const string Expired = "117209448120553";
    public const string Unverified = "1103378460952181";
    public const string Banned = "108722913904416";
    public const string Sandbox = "1105590218834726";
    public const string GeneratedWaba = "120000000000001";
}

/// <summary>A Graph or control answer, read completely.</summary>
public sealed record Answer(HttpResponseMessage Response, string Body)
{
    public HttpStatusCode Status => Response.StatusCode;

    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("The body is JSON null.");

    public string? Header(string name) =>
        Response.Headers.TryGetValues(name, out var values) || Response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;
}

/// <summary>Each test gets its own emulator, started in-process on a free port, and a client holding the token.</summary>
public abstract class EmulatorTest : IAsyncLifetime
{
    protected EmulatorHandle Emulator { get; private set; } = null!;
    protected HttpClient Http { get; private set; } = null!;

    protected virtual EmulatorOptions Options => new();

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorHost.StartAsync(Options);
        Http = new HttpClient { BaseAddress = Emulator.BaseUri, Timeout = TimeSpan.FromSeconds(10) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Emulator.Token);
    }

    public virtual async Task DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }

    protected Task<Answer> GetAsync(string pathOrUrl) => SendAsync(new HttpRequestMessage(HttpMethod.Get, pathOrUrl));

    protected Task<Answer> PostFormAsync(string path, params (string Name, string Value)[] form) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        });

    protected Task<Answer> PostJsonAsync(string path, object body) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) });

    protected Task<Answer> RegisterAsync(string id, string pin) =>
        PostFormAsync($"v25.0/{id}/register", ("messaging_product", "whatsapp"), ("pin", pin));

    protected async Task<Answer> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            var response = await Http.SendAsync(request);
            return new Answer(response, await response.Content.ReadAsStringAsync());
        }
    }

    protected Task<Answer> ControlRawAsync(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(Emulator.ControlUri, path));
        if (body is not null) request.Content = JsonContent.Create(body);
        return SendAsync(request);
    }

    /// <summary>Calls the control API; the answer must be a success.</summary>
    protected async Task<JsonNode> ControlAsync(HttpMethod method, string path, object? body = null)
    {
        var answer = await ControlRawAsync(method, path, body);
        Assert.True(answer.Response.IsSuccessStatusCode, $"{method} {path}: {(int)answer.Status} {answer.Body}");
        return answer.Json;
    }

    protected Task<JsonNode> AddFaultAsync(object fault) => ControlAsync(HttpMethod.Post, "faults", fault);

    protected async Task<JsonArray> RequestLogAsync() => (JsonArray)await ControlAsync(HttpMethod.Get, "requests");

    protected async Task<string?> FieldAsync(string id, string field) =>
        (await GetAsync($"v25.0/{id}?fields={field}")).Json[field]?.ToString();

    /// <summary>Asserts Graph's error envelope and returns its "error" object.</summary>
    protected static JsonObject AssertGraphError(Answer answer, int status, int code, int? subcode = null)
    {
        Assert.True((int)answer.Status == status, $"Expected HTTP {status}, got {(int)answer.Status}: {answer.Body}");
        var error = Assert.IsType<JsonObject>(answer.Json["error"]);
        Assert.Equal(code, (int)error["code"]!);
        Assert.Equal(subcode, (int?)error["error_subcode"]);
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));
        Assert.False(string.IsNullOrEmpty((string?)error["type"]));
        Assert.Matches("^[A-Za-z0-9_-]{20,}$", (string)error["fbtrace_id"]!);
        return error;
    }
}
