using System.Text.Json;
using System.Text.Json.Nodes;
using WhatsappPhone.Emulator.State;

namespace WhatsappPhone.Emulator.Graph;

/// <summary>
/// Adding and migrating numbers, display-name changes, settings (local storage), the business
/// profile and the resumable upload of its picture. Parameter checks here, rules in
/// <see cref="NumberAdministration"/>.
/// </summary>
public static partial class GraphEndpoints
{
    private static readonly string[] ProfileFields = ["about", "address", "description", "email", "profile_picture_url", "websites", "vertical"];

    /// <summary>
    /// POST /{id} serves several things, as at Graph: an upload session's bytes (/upload:...),
    /// a display-name change (new_display_name), or the two-step PIN.
    /// </summary>
    private static async Task<IResult> UpdateNode(string id, HttpContext http, GraphCall call, EmulatorState state)
    {
        if (id.StartsWith("upload:", StringComparison.Ordinal)) return await UploadBytes(id, http, call, state);
        if (state.World.Number(id) is { } number && call.Param("new_display_name") is { } name)
            return Outcome(call, NumberAdministration.RequestDisplayName(number, name));
        return await PostNode(id, call, state);
    }

    private static IResult AddPhoneNumber(string id, GraphCall call, EmulatorState state)
    {
        if (state.World.Waba(id) is not { } waba)
        {
            return call.Fail(state.World.NodeType(id) is null ? GraphErrors.ObjectNotFound(id, "post") : GraphErrors.UnknownPath("/phone_numbers"));
        }
        foreach (var required in (string[])["cc", "phone_number", "verified_name"])
        {
            if (string.IsNullOrWhiteSpace(call.Param(required))) return call.Fail(GraphErrors.MissingParameter(required));
        }
        var cc = call.Param("cc")!.Trim().TrimStart('+');
        var phoneNumber = call.Param("phone_number")!.Trim();
        var name = call.Param("verified_name")!.Trim();
        if (cc.Length is < 1 or > 3 || !cc.All(char.IsAsciiDigit))
            return call.Fail(GraphErrors.InvalidParameter($"Param cc must be a country calling code of 1 to 3 digits - got \"{cc}\""));
        if (phoneNumber.Length is < 4 or > 14 || !phoneNumber.All(char.IsAsciiDigit) || cc.Length + phoneNumber.Length > 15)
            return call.Fail(GraphErrors.InvalidParameter($"Param phone_number must be the digits of the number without the country code - got \"{phoneNumber}\""));
        if (name.Length is < NumberAdministration.MinNameLength or > NumberAdministration.MaxNameLength)
            return call.Fail(GraphErrors.InvalidParameter($"Param verified_name must be {NumberAdministration.MinNameLength} to {NumberAdministration.MaxNameLength} characters long"));
        var migrate = call.Param("migrate_phone_number") switch
        {
            null or "false" or "False" => false,
            "true" or "True" => true,
            var other => (bool?)null,
        };
        if (migrate is null) return call.Fail(GraphErrors.InvalidParameter("Param migrate_phone_number must be a boolean"));

        var error = NumberAdministration.AddNumber(state.World, waba, cc, phoneNumber, name, migrate.Value, out var created);
        return error is not null ? call.Fail(error) : call.Ok(new JsonObject { ["id"] = created!.Id });
    }

    private static IResult GetSettings(string id, GraphCall call, EmulatorState state) =>
        state.World.Number(id) is { } number
            ? call.Ok(NumberAdministration.Settings(state.World, number))
            : NotAnEdgeOf(id, "settings", call, state);

    private static IResult UpdateSettings(string id, GraphCall call, EmulatorState state)
    {
        if (state.World.Number(id) is not { } number)
        {
            return call.Fail(state.World.NodeType(id) is null ? GraphErrors.ObjectNotFound(id, "post") : GraphErrors.UnknownPath("/settings"));
        }
        string[] features = ["calling", "user_identity_change", "payload_encryption", "storage_configuration"];
        var given = features.Where(f => call.Param(f) is not null).ToList();
        if (given.Count == 0)
            return call.Fail(GraphErrors.InvalidParameter($"One of the parameters {string.Join(", ", features)} is required"));
        if (given.Count > 1)
            return call.Fail(GraphErrors.InvalidParameter($"Only one feature setting can be specified per request; got {string.Join(", ", given)}"));
        var value = ParseObject(call.Param(given[0]));
        return given[0] switch
        {
            "storage_configuration" => Outcome(call, NumberAdministration.SetStorage(number, value)),
            "user_identity_change" => Outcome(call, NumberAdministration.SetIdentityKeyCheck(state.World, number, value)),
            _ => call.Fail(GraphErrors.InvalidParameter($"Param {given[0]} is not supported by this emulator")),
        };
    }

    private static IResult GetBusinessProfile(string id, GraphCall call, EmulatorState state)
    {
        if (state.World.Number(id) is not { } number) return NotAnEdgeOf(id, "whatsapp_business_profile", call, state);
        var requested = (call.Param("fields") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var field in requested)
        {
            if (field != "messaging_product" && !ProfileFields.Contains(field)) return call.Fail(GraphErrors.NonexistingField(field, "WhatsAppBusinessProfile"));
        }
        var profile = NumberAdministration.Profile(state.World, number);
        var selected = requested.Length == 0 ? ProfileFields : requested;
        var json = new JsonObject();
        foreach (var field in selected)
        {
            JsonNode? value = field switch
            {
                "about" => profile.About,
                "address" => profile.Address,
                "description" => profile.Description,
                "email" => profile.Email,
                "profile_picture_url" => profile.ProfilePictureUrl,
                "websites" => profile.Websites is { } sites ? new JsonArray([.. sites.Select(s => (JsonNode?)s)]) : null,
                "vertical" => profile.Vertical,
                _ => null,
            };
            if (value is not null) json[field] = value;
        }
        json["messaging_product"] = "whatsapp";
        return call.Ok(new JsonObject { ["data"] = new JsonArray(json) });
    }

    private static IResult UpdateBusinessProfile(string id, GraphCall call, EmulatorState state)
    {
        if (state.World.Number(id) is not { } number)
        {
            return call.Fail(state.World.NodeType(id) is null ? GraphErrors.ObjectNotFound(id, "post") : GraphErrors.UnknownPath("/whatsapp_business_profile"));
        }
        if (MessagingProduct(call) is { } productError) return call.Fail(productError);
        var fields = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var name in (string[])["about", "address", "description", "email", "vertical", "profile_picture_handle"])
        {
            if (call.Param(name) is { } value) fields[name] = JsonValue.Create(value);
        }
        if (call.Param("websites") is { } websites) fields["websites"] = ParseArray(websites);
        return Outcome(call, NumberAdministration.UpdateProfile(state.World, number, fields));
    }

    private static IResult StartUpload(string id, GraphCall call, EmulatorState state)
    {
        if (id != AdministrationBook.AppId)
        {
            return call.Fail(state.World.NodeType(id) is null ? GraphErrors.ObjectNotFound(id, "post") : GraphErrors.UnknownPath("/uploads"));
        }
        var error = NumberAdministration.StartUpload(state.World, call.Param("file_name"), call.Param("file_length"), call.Param("file_type"), out var upload);
        return error is not null ? call.Fail(error) : call.Ok(new JsonObject { ["id"] = upload!.SessionId });
    }

    private static async Task<IResult> UploadBytes(string sessionId, HttpContext http, GraphCall call, EmulatorState state)
    {
        if (!state.World.Administration.UploadSessions.TryGetValue(sessionId, out var upload)) return call.Fail(GraphErrors.ObjectNotFound(sessionId, "post"));
        // The pipeline buffered the body (as text, for the log); the bytes are read again here.
        http.Request.Body.Position = 0;
        using var bytes = new MemoryStream();
        await http.Request.Body.CopyToAsync(bytes, http.RequestAborted);
        var offset = http.Request.Headers["file_offset"].FirstOrDefault();
        var error = NumberAdministration.FinishUpload(state.World, upload, offset, bytes.ToArray());
        return error is not null ? call.Fail(error) : call.Ok(new JsonObject { ["h"] = upload.Handle });
    }

    private static JsonObject? ParseObject(string? json)
    {
        try
        {
            return json is null ? null : JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonNode? ParseArray(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonArray;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
