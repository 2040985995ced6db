using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WhatsappPhone.Emulator.State;

namespace WhatsappPhone.Emulator.Graph;

/// <summary>The Graph routes: parameter checks here, state rules in <see cref="NumberLifecycle"/>.</summary>
public static partial class GraphEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/{version}/{id}", GetNode);
        app.MapPost("/{version}/{id}", UpdateNode);
        app.MapGet("/{version}/{id}/phone_numbers", ListPhoneNumbers);
        app.MapGet("/{version}/{id}/owned_whatsapp_business_accounts",
            (string id, GraphCall call, EmulatorState state) => ListWabas(id, call, state, "owned_whatsapp_business_accounts", b => b.OwnedWabas));
        app.MapGet("/{version}/{id}/client_whatsapp_business_accounts",
            (string id, GraphCall call, EmulatorState state) => ListWabas(id, call, state, "client_whatsapp_business_accounts", b => b.ClientWabas));
        app.MapPost("/{version}/{id}/register", Register);
        app.MapPost("/{version}/{id}/deregister", Deregister);
        app.MapPost("/{version}/{id}/request_code", RequestCode);
        app.MapPost("/{version}/{id}/verify_code", VerifyCode);
        app.MapPost("/{version}/{id}/phone_numbers", AddPhoneNumber);
        app.MapGet("/{version}/{id}/settings", GetSettings);
        app.MapPost("/{version}/{id}/settings", UpdateSettings);
        app.MapGet("/{version}/{id}/whatsapp_business_profile", GetBusinessProfile);
        app.MapPost("/{version}/{id}/whatsapp_business_profile", UpdateBusinessProfile);
        app.MapPost("/{version}/{id}/uploads", StartUpload);
        app.MapGet("/{version}/{id}/subscribed_apps", ListSubscribedApps);
        app.MapPost("/{version}/{id}/subscribed_apps", SubscribeApp);
        app.MapDelete("/{version}/{id}/subscribed_apps", UnsubscribeApp);
        // Everything else: unknown edges, other methods, paths with only a version.
        app.Map("/{**path}", Unsupported);
    }

    private static IResult GetNode(string id, GraphCall call, EmulatorState state)
    {
        var world = state.World;
        var now = state.Clock.Now;
        return world.Number(id) is { } number ? Select(Fields.PhoneNumber, number)
            : world.Waba(id) is { } waba ? Select(Fields.Waba, waba)
            : world.Business(id) is { } business ? Select(Fields.Business, business)
            : call.Fail(GraphErrors.ObjectNotFound(id, "get"));

        IResult Select<T>(FieldCatalog<T> catalog, T node) =>
            catalog.TrySelect(call, out var selection) is { } error ? call.Fail(error) : call.Ok(catalog.Render(node, selection, now));
    }

    private static IResult ListPhoneNumbers(string id, GraphCall call, EmulatorState state)
    {
        if (state.World.Waba(id) is not { } waba) return NotAnEdgeOf(id, "phone_numbers", call, state);
        if (Fields.PhoneNumber.TrySelect(call, out var selection) is { } fieldError) return call.Fail(fieldError);
        if (AccountModeFilter(call.Param("filtering"), out var accountModes) is { } filterError) return call.Fail(filterError);

        var now = state.Clock.Now;
        var numbers = accountModes.Count == 0
            ? waba.PhoneNumbers
            : [.. waba.PhoneNumbers.Where(n => accountModes.All(mode => n.AccountMode == mode))];
        return Paging.Respond(call, numbers, n => n.Id, (writer, n) => Fields.PhoneNumber.Write(writer, n, selection, now));
    }

    private static IResult ListWabas(string id, GraphCall call, EmulatorState state, string edge, Func<Business, List<string>> wabaIds)
    {
        if (state.World.Business(id) is not { } business) return NotAnEdgeOf(id, edge, call, state);
        if (Fields.Waba.TrySelect(call, out var selection) is { } fieldError) return call.Fail(fieldError);

        var now = state.Clock.Now;
        var wabas = wabaIds(business).Select(wabaId => state.World.Waba(wabaId)!).ToList();
        return Paging.Respond(call, wabas, w => w.Id, (writer, w) => Fields.Waba.Write(writer, w, selection, now));
    }

    private static IResult Register(string id, GraphCall call, EmulatorState state)
    {
        if (state.World.Number(id) is not { } number) return call.Fail(GraphErrors.ObjectNotFound(id, "post"));
        var now = state.Clock.Now;
        // Every attempt counts, even one with bad parameters, as at Meta.
        if (NumberLifecycle.CountAttempt(number.RegisterAttempts, now) is { } limited) return call.Fail(limited);
        if (MessagingProduct(call) is { } productError) return call.Fail(productError);
        if (Pin(call, out var pin) is { } pinError) return call.Fail(pinError);

        var region = call.Param("data_localization_region");
        if (region is not null && !CountryCode().IsMatch(region))
        {
            return call.Fail(GraphErrors.InvalidParameter($"Param data_localization_region must be a two-letter ISO 3166 country code, got '{region}'"));
        }
        var error = NumberLifecycle.Register(number, pin, region, now);
        if (error is not null) return call.Fail(error);
        NumberAdministration.ApplyApprovedName(number);
        NumberAdministration.CompleteMigration(state.World, number);
        return call.Success();
    }

    private static IResult Deregister(string id, GraphCall call, EmulatorState state)
    {
        if (state.World.Number(id) is not { } number) return call.Fail(GraphErrors.ObjectNotFound(id, "post"));
        if (NumberLifecycle.CountAttempt(number.DeregisterAttempts, state.Clock.Now) is { } limited) return call.Fail(limited);
        return Outcome(call, NumberLifecycle.Deregister(number));
    }

    private static IResult RequestCode(string id, GraphCall call, EmulatorState state)
    {
        if (state.World.Number(id) is not { } number) return call.Fail(GraphErrors.ObjectNotFound(id, "post"));
        switch (call.Param("code_method"))
        {
            case null:
                return call.Fail(GraphErrors.MissingParameter("code_method"));
            case var method when !method.Equals("SMS", StringComparison.OrdinalIgnoreCase) && !method.Equals("VOICE", StringComparison.OrdinalIgnoreCase):
                return call.Fail(GraphErrors.InvalidParameter($"Param code_method must be one of {{SMS, VOICE}} - got \"{method}\"."));
        }
        if (string.IsNullOrWhiteSpace(call.Param("language"))) return call.Fail(GraphErrors.MissingParameter("language"));
        NumberLifecycle.RequestCode(number);
        return call.Success();
    }

    private static IResult VerifyCode(string id, GraphCall call, EmulatorState state)
    {
        if (state.World.Number(id) is not { } number) return call.Fail(GraphErrors.ObjectNotFound(id, "post"));
        if (call.Param("code") is not { } code) return call.Fail(GraphErrors.MissingParameter("code"));
        return Outcome(call, NumberLifecycle.VerifyCode(number, code.Trim(), state.Clock.Now));
    }

    /// <summary>POST /{phone-number-id} {"pin"}: sets the two-step verification PIN.</summary>
    private static IResult SetPin(string id, GraphCall call, EmulatorState state)
    {
        if (state.World.Number(id) is not { } number) return call.Fail(GraphErrors.ObjectNotFound(id, "post"));
        if (Pin(call, out var pin) is { } pinError) return call.Fail(pinError);
        NumberLifecycle.SetPin(number, pin);
        return call.Success();
    }

    private static IResult Unsupported(HttpContext http, GraphCall call, EmulatorState state)
    {
        var segments = call.Segments;
        if (segments.Length < 2) return call.Fail(GraphErrors.UnknownPath(http.Request.Path.Value ?? "/"));
        var id = segments[1];
        // An unknown node, or a known one asked with a method it does not support.
        if (segments.Length == 2 || state.World.NodeType(id) is null)
        {
            return call.Fail(GraphErrors.ObjectNotFound(id, http.Request.Method.ToLowerInvariant()));
        }
        return call.Fail(GraphErrors.UnknownPath("/" + string.Join('/', segments[2..])));
    }

    private static IResult NotAnEdgeOf(string id, string edge, GraphCall call, EmulatorState state, string method = "get") =>
        call.Fail(state.World.NodeType(id) is { } type ? GraphErrors.NonexistingField(edge, type) : GraphErrors.ObjectNotFound(id, method));

    private static IResult Outcome(GraphCall call, GraphError? error) => error is null ? call.Success() : call.Fail(error);

    private static GraphError? MessagingProduct(GraphCall call) => call.Param("messaging_product") switch
    {
        null => GraphErrors.MissingParameter("messaging_product"),
        var product when !product.Equals("whatsapp", StringComparison.OrdinalIgnoreCase) =>
            GraphErrors.InvalidParameter($"Param messaging_product must be one of {{WHATSAPP}} - got \"{product}\"."),
        _ => null,
    };

    private static GraphError? Pin(GraphCall call, out string pin)
    {
        pin = call.Param("pin") ?? "";
        return call.Param("pin") is null ? GraphErrors.MissingParameter("pin")
            : !SixDigits().IsMatch(pin) ? GraphErrors.InvalidParameter("Invalid PIN format. PIN must be exactly 6 digits")
            : null;
    }

    /// <summary>filtering=[{"field":"account_mode","operator":"EQUAL","value":"LIVE"}]; filters combine with AND.</summary>
    private static GraphError? AccountModeFilter(string? raw, out List<string> accountModes)
    {
        accountModes = [];
        if (raw is null) return null;
        var invalid = GraphErrors.InvalidParameter(
            "Param filtering must be a JSON array of {\"field\":\"account_mode\",\"operator\":\"EQUAL\",\"value\":...} objects");
        JsonArray? filters;
        try
        {
            filters = JsonNode.Parse(raw) as JsonArray;
        }
        catch (JsonException)
        {
            return invalid;
        }
        if (filters is null) return invalid;
        foreach (var filter in filters)
        {
            if (filter is not JsonObject f) return invalid;
            var field = f["field"]?.GetValueKind() == JsonValueKind.String ? f["field"]!.GetValue<string>() : null;
            var op = f["operator"]?.GetValueKind() == JsonValueKind.String ? f["operator"]!.GetValue<string>() : null;
            if (field != "account_mode") return GraphErrors.InvalidParameter($"Filtering on field '{field}' is not supported; supported: account_mode");
            if (op != "EQUAL") return GraphErrors.InvalidParameter($"Filtering operator '{op}' is not supported; supported: EQUAL");
            if (f["value"]?.GetValueKind() != JsonValueKind.String) return invalid;
            accountModes.Add(f["value"]!.GetValue<string>());
        }
        return null;
    }

    [GeneratedRegex("^[0-9]{6}$")]
    private static partial Regex SixDigits();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryCode();
}
