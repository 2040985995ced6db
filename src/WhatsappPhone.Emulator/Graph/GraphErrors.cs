using System.Text.Json.Nodes;

namespace WhatsappPhone.Emulator.Graph;

/// <summary>One Graph error; <see cref="ToJson"/> gives Meta's envelope with its fields in Meta's order.</summary>
public sealed record GraphError(int HttpStatus, string Message, int Code, string Type = "OAuthException")
{
    public int? Subcode { get; init; }
    public string? UserTitle { get; init; }
    public string? UserMessage { get; init; }
    public JsonNode? Data { get; init; }
    public bool? IsTransient { get; init; }

    /// <summary>The WWW-Authenticate header Graph sends with its errors.</summary>
    public string Challenge =>
        $"OAuth \"Facebook Platform\" \"{(Code == 190 ? "invalid_token" : "invalid_request")}\" \"{Message.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    public JsonObject ToJson(string fbtraceId)
    {
        var error = new JsonObject { ["message"] = Message, ["type"] = Type, ["code"] = Code };
        if (Subcode is { } subcode) error["error_subcode"] = subcode;
        if (UserTitle is not null) error["error_user_title"] = UserTitle;
        if (UserMessage is not null) error["error_user_msg"] = UserMessage;
        if (Data is not null) error["error_data"] = Data.DeepClone();
        if (IsTransient is { } transient) error["is_transient"] = transient;
        error["fbtrace_id"] = fbtraceId;
        return new JsonObject { ["error"] = error };
    }
}

/// <summary>The errors Graph gives, with Meta's wording.</summary>
public static class GraphErrors
{
    public static GraphError MissingToken() => new(401, "An access token is required to request this resource.", 190);

    public static GraphError InvalidToken() => new(401, "Invalid OAuth access token - Cannot parse access token", 190);

    /// <summary>Also Meta's answer for an ID of the wrong kind and an unsupported method.</summary>
    public static GraphError ObjectNotFound(string id, string method) =>
        new(400, $"Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, " +
                 "or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
            100, "GraphMethodException")
        { Subcode = 33 };

    public static GraphError UnknownPath(string components) => new(400, $"Unknown path components: {components}", 2500);

    public static GraphError NonexistingField(string field, string nodeType) =>
        new(400, $"(#100) Tried accessing nonexisting field ({field}) on node type ({nodeType})", 100);

    public static GraphError InvalidParameter(string detail) => new(400, $"(#100) {detail}", 100);

    public static GraphError MissingParameter(string name) => InvalidParameter($"The parameter {name} is required");

    /// <summary>WhatsApp Business Platform errors carry their details in error_data.</summary>
    public static GraphError WhatsApp(int code, string title, string details) =>
        new(400, $"(#{code}) {title}", code)
        {
            Data = new JsonObject { ["messaging_product"] = "whatsapp", ["details"] = details },
        };

    public static GraphError DisplayNameNotApproved() =>
        new(400, "Invalid parameter", 100)
        {
            Subcode = 2388001,
            IsTransient = false,
            UserTitle = "Display name not approved",
            UserMessage = "A certificate for this phone number cannot be created because its display name has not been approved yet. " +
                          "Wait for the display name review to finish, then register again.",
        };
}
