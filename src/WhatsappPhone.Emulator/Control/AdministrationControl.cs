using System.Text.Json;
using System.Text.Json.Nodes;
using WhatsappPhone.Emulator.State;

namespace WhatsappPhone.Emulator.Control;

/// <summary>
/// Control routes for what Meta decides by hand: a display-name review, and an account's review
/// and health (so the module's account checks can be driven to each outcome).
/// </summary>
public static class AdministrationControl
{
    public static readonly (string Method, string Path, string? Body, string Does)[] Routes =
    [
        ("POST", "/_emulator/numbers/{id}/name-review", "{\"decision\":\"APPROVED|DECLINED\"}",
            "Decides the display name in review (a new number's name, or a requested change)."),
        ("POST", "/_emulator/wabas/{id}", "{\"accountReviewStatus\"?,\"businessVerificationStatus\"?,\"canSendMessage\"?}",
            "Sets an account's review and verification status, and whether it can send (AVAILABLE, LIMITED, BLOCKED)."),
    ];

    public static void Map(RouteGroupBuilder control)
    {
        control.MapPost("/numbers/{id}/name-review", async (string id, HttpContext http, EmulatorState state) =>
        {
            if (state.World.Number(id) is not { } number) return Problem(404, $"No phone number with ID {id}.");
            var body = await ReadAsync(http);
            var decision = body?["decision"] is JsonValue v && v.TryGetValue<string>(out var d) ? d : null;
            return NumberAdministration.DecideNameReview(number, decision ?? "") is { } problem
                ? Problem(400, problem)
                : Results.Json(new { id, name_status = number.NameStatus, new_name_status = number.NewNameStatus });
        });
        control.MapPost("/wabas/{id}", async (string id, HttpContext http, EmulatorState state) =>
        {
            if (state.World.Waba(id) is not { } waba) return Problem(404, $"No WhatsApp Business Account with ID {id}.");
            var body = await ReadAsync(http);
            if (body is null) return Problem(400, "The body must be a JSON object.");
            string? Text(string name) => body[name] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
            if (Text("accountReviewStatus") is { } review) waba.AccountReviewStatus = review;
            if (Text("businessVerificationStatus") is { } verification) waba.BusinessVerificationStatus = verification;
            if (Text("canSendMessage") is { } canSend)
            {
                if (canSend is not ("AVAILABLE" or "LIMITED" or "BLOCKED")) return Problem(400, "canSendMessage must be AVAILABLE, LIMITED or BLOCKED.");
                var entity = new JsonObject { ["entity_type"] = "WABA", ["id"] = waba.Id, ["can_send_message"] = canSend };
                if (canSend != "AVAILABLE")
                {
                    entity["errors"] = new JsonArray(new JsonObject
                    {
                        ["error_code"] = 141006,
                        ["error_description"] = "There is an error with the payment method. This will block business initiated conversations.",
                        ["possible_solution"] = "Add a valid payment method in WhatsApp Manager, under Payment settings.",
                    });
                }
                waba.HealthStatus = canSend == "AVAILABLE" ? null : new JsonObject { ["can_send_message"] = canSend, ["entities"] = new JsonArray(entity) };
            }
            return Results.Json(new { id, account_review_status = waba.AccountReviewStatus, business_verification_status = waba.BusinessVerificationStatus });
        });
    }

    private static IResult Problem(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    private static async Task<JsonObject?> ReadAsync(HttpContext http)
    {
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
