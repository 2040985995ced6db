using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using WhatsappPhone.Emulator.Graph;
using WhatsappPhone.Emulator.State;

namespace WhatsappPhone.Emulator.Control;

/// <summary>
/// The emulator's own API under /_emulator (no token): reset, state, verification codes, clock,
/// request log, faults and latency. Bodies are camelCase JSON; the state dump uses Graph's names.
/// </summary>
public static class ControlEndpoints
{
    public const string Prefix = "/_emulator";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly ControlRoute[] Routes =
    [
        new("POST", "/_emulator/reset", null, "Back to the seed; clears faults, the request log, the clock offset and latency."),
        new("GET", "/_emulator/state", null, "Businesses, WABAs and numbers with their full state (whether a PIN is set, never its value)."),
        new("GET", "/_emulator/numbers/{id}/code", null, "The last code request_code sent: {\"code\":\"123456\"}."),
        new("POST", Prefix + NumberControl.Route, NumberControl.Body, "Sets what Meta changes on its own (quality, limits, status, name review, throughput); answers with the number's state."),
        new("GET", "/_emulator/clock", null, "The emulator's time: {\"now\":...}."),
        new("POST", "/_emulator/clock", "{\"advanceHours\":73}", "Moves the emulator's time forward."),
        new("GET", "/_emulator/requests", null, "Graph requests in order: [{method,path,query,body?,status,time,fault?}]; status 0 = dropped; PINs and codes in bodies as one * per character."),
        new("DELETE", "/_emulator/requests", null, "Clears the request log."),
        new("GET", "/_emulator/faults", null, "The active fault rules with what remains of them."),
        new("POST", "/_emulator/faults",
            "{\"method\"?,\"pathContains\"?,\"count\":1,\"afterCount\":0,\"kind\":\"graph|html|empty|truncated|drop|delay|loop|slow|huge|gzipBomb|usage\",\"status\"?,\"code\"?,\"subcode\"?,\"isTransient\"?,\"message\"?,\"retryAfterSeconds\"?,\"regainMinutes\"?,\"regainOnClock\"?,\"delayMs\"?,\"loopTo\"?:\"self|first\",\"chunkBytes\"?,\"sizeBytes\"?,\"appUsagePercent\"?,\"businessUsagePercent\"?}",
            "The next count matching Graph requests (after skipping afterCount) answer that way."),
        new("DELETE", "/_emulator/faults", null, "Clears all fault rules."),
        new("POST", "/_emulator/latency", "{\"ms\":25}", "Delay added to every Graph request."),
        .. WebhookControl.Routes,
    ];

    public static void Map(IEndpointRouteBuilder app)
    {
        var control = app.MapGroup(Prefix);
        control.MapGet("/", () => Results.Json(new { routes = Routes.Concat(AdministrationControl.Routes.Select(r => new ControlRoute(r.Method, r.Path, r.Body, r.Does))) }, Json));
        control.MapPost("/reset", (EmulatorState state) =>
        {
            state.Reset();
            return Done();
        });
        control.MapGet("/state", (EmulatorState state) => Results.Text(Dump(state).ToJsonString(GraphCall.Json), "application/json"));
        control.MapGet("/numbers/{id}/code", (string id, EmulatorState state) =>
            state.World.Number(id) switch
            {
                null => Problem(404, $"No phone number with ID {id}."),
                { LastCode: null } => Problem(404, $"No verification code was requested for {id}; call request_code first."),
                var number => Results.Json(new { code = number.LastCode }, Json),
            });
        NumberControl.Map(control);
        control.MapGet("/clock", (EmulatorState state) => Results.Json(new { now = state.Clock.Now }, Json));
        control.MapPost("/clock", async (HttpContext http, EmulatorState state) =>
        {
            var (request, error) = await ReadAsync<ClockRequest>(http);
            if (error is not null) return error;
            if (request!.AdvanceHours is not (>= 0 and <= 100_000)) return Problem(400, "advanceHours must be between 0 and 100000; the clock only moves forward.");
            state.Clock.Advance(TimeSpan.FromHours(request.AdvanceHours));
            return Results.Json(new { now = state.Clock.Now }, Json);
        });
        control.MapGet("/requests", (EmulatorState state) => Results.Json(state.Requests.Entries, Json));
        control.MapDelete("/requests", (EmulatorState state) =>
        {
            state.Requests.Clear();
            return Done();
        });
        control.MapGet("/faults", (EmulatorState state) => Results.Json(state.Faults.Rules, Json));
        control.MapPost("/faults", async (HttpContext http, EmulatorState state) =>
        {
            var (rule, error) = await ReadAsync<FaultRule>(http);
            if (error is not null) return error;
            if (rule!.Validate() is { } problem) return Problem(400, problem);
            state.Faults.Add(rule, state.Clock.Now);
            return Results.Json(rule, Json, statusCode: 201);
        });
        control.MapDelete("/faults", (EmulatorState state) =>
        {
            state.Faults.Clear();
            return Done();
        });
        control.MapPost("/latency", async (HttpContext http, EmulatorState state) =>
        {
            var (request, error) = await ReadAsync<LatencyRequest>(http);
            if (error is not null) return error;
            if (request!.Ms is < 0 or > 600_000) return Problem(400, "ms must be between 0 and 600000.");
            state.LatencyMs = request.Ms;
            return Results.Json(new { ms = state.LatencyMs }, Json);
        });
        AdministrationControl.Map(control);
        WebhookControl.Map(control);
        control.Map("/{**rest}", () => Problem(404, $"Not a control route. GET {Prefix} lists them."));
    }

    internal static IResult Done() => Results.Json(new { success = true }, Json);

    internal static IResult Problem(int status, string message) => Results.Json(new { error = message }, Json, statusCode: status);

    internal static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpContext http) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, Json, http.RequestAborted) is { } value
                ? (value, null)
                : (null, Problem(400, "The body must be a JSON object."));
        }
        catch (JsonException e)
        {
            return (null, Problem(400, $"The body is not valid: {e.Message}"));
        }
    }

    /// <summary>Everything, with Graph's field names; whether a PIN is set shows as is_pin_enabled, never the PIN.</summary>
    private static JsonObject Dump(EmulatorState state)
    {
        var world = state.World;
        var now = state.Clock.Now;
        int Recent(List<DateTimeOffset> attempts) => attempts.Count(t => now - t < NumberLifecycle.AttemptWindow);
        return new JsonObject
        {
            ["now"] = now,
            ["latency_ms"] = state.LatencyMs,
            ["generated_waba_id"] = world.GeneratedWabaId,
            ["businesses"] = new JsonArray([.. world.Businesses.Select(b => new JsonObject
            {
                ["id"] = b.Id,
                ["name"] = b.Name,
                ["owned_whatsapp_business_accounts"] = new JsonArray([.. b.OwnedWabas.Select(id => (JsonNode?)id)]),
                ["client_whatsapp_business_accounts"] = new JsonArray([.. b.ClientWabas.Select(id => (JsonNode?)id)]),
            })]),
            ["wabas"] = new JsonArray([.. world.Wabas.Select(w =>
            {
                var json = Fields.Waba.RenderAll(w, now);
                json["phone_numbers"] = new JsonArray([.. w.PhoneNumbers.Select(n => (JsonNode?)n.Id)]);
                return json;
            })]),
            ["numbers"] = new JsonArray([.. world.Wabas.SelectMany(w => w.PhoneNumbers).Select(n =>
            {
                var json = Fields.PhoneNumber.RenderAll(n, now);
                json["waba_id"] = n.WabaId;
                json["verified_at"] = n.VerifiedAt;
                json["verification_code_requested"] = n.LastCode is not null;
                json["data_localization_region"] = n.DataLocalizationRegion;
                json["migrating_from"] = n.MigratingFrom;
                json["register_attempts_72h"] = Recent(n.RegisterAttempts);
                json["deregister_attempts_72h"] = Recent(n.DeregisterAttempts);
                return json;
            })]),
        };
    }

    internal sealed record ControlRoute(string Method, string Path, string? Body, string Does);

    private sealed record ClockRequest(double AdvanceHours);

    private sealed record LatencyRequest(int Ms);
}
