using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WhatsappPhone.Emulator.Graph;
using WhatsappPhone.Emulator.State;

namespace WhatsappPhone.Emulator.Control;

/// <summary>
/// POST /_emulator/numbers/{id}: sets what Meta changes on its own between two runs of a script
/// (quality, limits, status, name review, throughput), so tests can watch a number change. Values
/// are checked against Graph's vocabularies, so a typo fails the test instead of seeding nonsense.
/// </summary>
public static partial class NumberControl
{
    public const string Route = "/numbers/{id}";

    public const string Body =
        "{\"status\"?,\"qualityRating\"?,\"messagingLimitTier\"?,\"whatsappBusinessManagerMessagingLimit\"?,\"nameStatus\"?,\"newNameStatus\"?,\"verifiedName\"?,\"throughputLevel\"?}";

    private static readonly string[] Statuses = ["PENDING", "DELETED", "MIGRATED", "BANNED", "RESTRICTED", "RATE_LIMITED", "FLAGGED", "CONNECTED", "DISCONNECTED", "UNKNOWN", "UNVERIFIED"];
    private static readonly string[] Qualities = ["GREEN", "YELLOW", "RED", "UNKNOWN", "NA"];
    private static readonly string[] NameStatuses = ["APPROVED", "AVAILABLE_WITHOUT_REVIEW", "DECLINED", "EXPIRED", "PENDING_REVIEW", "NONE"];
    private static readonly string[] ThroughputLevels = ["STANDARD", "HIGH", "NOT_APPLICABLE"];

    [GeneratedRegex("^TIER_([0-9]+K?|UNLIMITED)$")]
    private static partial Regex Tier();

    /// <summary>Maps the route on the control group; the answer is the number's state as GET /_emulator/state shows it.</summary>
    public static void Map(RouteGroupBuilder control)
    {
        control.MapPost(Route, async (string id, HttpContext http, EmulatorState state) =>
        {
            if (state.World.Number(id) is not { } number) return Problem(404, $"No phone number with ID {id}.");
            JsonObject? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<JsonObject>(http.Request.Body, cancellationToken: http.RequestAborted);
            }
            catch (JsonException e)
            {
                return Problem(400, $"The body is not valid: {e.Message}");
            }
            if (body is null || body.Count == 0) return Problem(400, $"The body must be a JSON object with one or more of {Body}.");

            var changes = new List<Action>();
            foreach (var (name, node) in body)
            {
                var value = node is JsonValue v && v.TryGetValue(out string? text) ? text : null;
                if (value is null) return Problem(400, $"{name} must be a string.");
                var error = name switch
                {
                    "status" => OneOf(name, value, Statuses, () => number.Status = value, changes),
                    "qualityRating" => OneOf(name, value, Qualities, () => number.QualityRating = value, changes),
                    "messagingLimitTier" => TierValue(name, value, () => number.MessagingLimitTier = value, changes),
                    "whatsappBusinessManagerMessagingLimit" => TierValue(name, value, () => number.WhatsappBusinessManagerMessagingLimit = value, changes),
                    "nameStatus" => OneOf(name, value, NameStatuses, () => number.NameStatus = value, changes),
                    "newNameStatus" => OneOf(name, value, NameStatuses, () => number.NewNameStatus = value, changes),
                    "verifiedName" => Add(value.Length is > 0 and <= 200 ? null : "verifiedName must be 1 to 200 characters.", () => number.VerifiedName = value, changes),
                    "throughputLevel" => OneOf(name, value, ThroughputLevels, () => number.Throughput = new JsonObject { ["level"] = value }, changes),
                    _ => $"{name} is not a field this route sets; it takes {Body}.",
                };
                if (error is not null) return Problem(400, error);
            }
            // All or nothing: a body with one bad field changes nothing.
            foreach (var change in changes) change();
            var json = Fields.PhoneNumber.RenderAll(number, state.Clock.Now);
            return Results.Text(json.ToJsonString(GraphCall.Json), "application/json");
        });
    }

    private static string? OneOf(string name, string value, string[] allowed, Action set, List<Action> changes) =>
        Add(allowed.Contains(value) ? null : $"{name} must be one of {string.Join(", ", allowed)}.", set, changes);

    private static string? TierValue(string name, string value, Action set, List<Action> changes) =>
        Add(Tier().IsMatch(value) ? null : $"{name} must be a tier such as TIER_250, TIER_2K or TIER_UNLIMITED.", set, changes);

    private static string? Add(string? error, Action set, List<Action> changes)
    {
        if (error is null) changes.Add(set);
        return error;
    }

    private static IResult Problem(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
