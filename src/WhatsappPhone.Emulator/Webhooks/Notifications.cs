using System.Text.Json.Nodes;
using WhatsappPhone.Emulator.State;

namespace WhatsappPhone.Emulator.Webhooks;

/// <summary>
/// Meta's webhook envelope and the values of the fields the emulator sends, in the shapes of
/// Meta's field references: entry[].id is the WABA ID; account-level fields carry the display
/// number as bare digits, never the phone-number ID.
/// </summary>
public static class Notifications
{
    /// <summary>Fields Meta sends to a WABA's or a number's override; all others go to the app's callback.</summary>
    private static readonly HashSet<string> MessageFields = ["messages", "message_echoes", "calls"];

    public static bool FollowsOverrides(string field) => MessageFields.Contains(field);

    public static JsonObject Envelope(string wabaId, DateTimeOffset time, string field, JsonObject value) => new()
    {
        ["object"] = "whatsapp_business_account",
        ["entry"] = new JsonArray(new JsonObject
        {
            ["id"] = wabaId,
            ["time"] = time.ToUnixTimeSeconds(),
            ["changes"] = new JsonArray(new JsonObject { ["value"] = value, ["field"] = field }),
        }),
    };

    /// <summary>"+1 555-093-4873" as Meta's account-level payloads write it: "15550934873".</summary>
    public static string Digits(string? displayPhoneNumber) => new((displayPhoneNumber ?? "").Where(char.IsAsciiDigit).ToArray());

    public static JsonObject QualityUpdate(PhoneNumber number, string @event, string? oldLimit, string? currentLimit) => new()
    {
        ["display_phone_number"] = Digits(number.DisplayPhoneNumber),
        ["event"] = @event,
        ["current_limit"] = currentLimit,
        ["old_limit"] = oldLimit,
        ["max_daily_conversations_per_business"] = currentLimit,
    };

    public static JsonObject NameUpdate(PhoneNumber number, string decision, string? requestedVerifiedName, string? rejectionReason) => new()
    {
        ["display_phone_number"] = Digits(number.DisplayPhoneNumber),
        ["decision"] = decision,
        ["requested_verified_name"] = requestedVerifiedName,
        ["rejection_reason"] = rejectionReason,
    };

    public static JsonObject Security(PhoneNumber number, string @event, string? requester)
    {
        var value = new JsonObject { ["display_phone_number"] = Digits(number.DisplayPhoneNumber), ["event"] = @event };
        if (requester is not null) value["requester"] = requester;
        return value;
    }

    public static JsonObject Ban(string banState, string banDate) => new()
    {
        ["event"] = "DISABLED_UPDATE",
        ["ban_info"] = new JsonObject { ["waba_ban_state"] = banState, ["waba_ban_date"] = banDate },
    };

    /// <summary>An incoming text message, with the routing metadata Meta puts in every messages change.</summary>
    public static JsonObject Message(PhoneNumber number, string from, string text, DateTimeOffset time) => new()
    {
        ["messaging_product"] = "whatsapp",
        ["metadata"] = new JsonObject
        {
            ["display_phone_number"] = Digits(number.DisplayPhoneNumber),
            ["phone_number_id"] = number.Id,
        },
        ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = "Emulated Customer" }, ["wa_id"] = from }),
        ["messages"] = new JsonArray(new JsonObject
        {
            ["from"] = from,
            ["id"] = "wamid." + Guid.NewGuid().ToString("N"),
            ["timestamp"] = time.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["text"] = new JsonObject { ["body"] = text },
            ["type"] = "text",
        }),
    };
}
