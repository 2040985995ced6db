using System;
using System.Net;
using WhatsappPhone.Api.Pipeline;

namespace WhatsappPhone.Api;

/// <summary>What kind of failure a Graph error is, whoever reports it: the cmdlet layer maps it to an ErrorCategory.</summary>
internal enum GraphErrorKind
{
    /// <summary>An answer the module cannot place: an unknown code, or a body that is not what Graph sends.</summary>
    Unexpected,
    Authentication,
    Permission,
    NotFound,
    InvalidArgument,
    InvalidState,
    Throttled,
    Unavailable,
    Timeout,
    Connection,
}

/// <summary>One row of <see cref="GraphErrorCodes"/>.</summary>
internal sealed class GraphErrorCode
{
    public GraphErrorCode(int code, int? subcode, GraphErrorKind kind, bool transient = false, bool postMayRepeat = false, bool refusesToken = false, int? lastCode = null)
    {
        Code = code;
        LastCode = lastCode ?? code;
        Subcode = subcode;
        Kind = kind;
        Transient = transient;
        PostMayRepeat = postMayRepeat;
        RefusesToken = refusesToken;
    }

    public int Code { get; }
    /// <summary>The end of a range of codes (200-299), else <see cref="Code"/>.</summary>
    public int LastCode { get; }
    /// <summary>The row holds for this subcode only; null for every subcode.</summary>
    public int? Subcode { get; }
    public GraphErrorKind Kind { get; }
    /// <summary>Clears by itself: a GET is sent again.</summary>
    public bool Transient { get; }
    /// <summary>Meta documents it as "try again" for registration: a POST may be repeated once.</summary>
    public bool PostMayRepeat { get; }
    /// <summary>The token itself is refused (expired, revoked, without a permission the app needs): every later request would fail the same way.</summary>
    public bool RefusesToken { get; }
}

/// <summary>
/// Graph's error codes, once (reference: the error codes table of the phone-numbers guide): per
/// code and subcode whether it clears by itself, whether a POST may be repeated, its kind, and
/// neutral advice. Advice that names cmdlets is added by the cmdlet layer (ErrorRecords).
/// </summary>
internal static class GraphErrorCodes
{
    private static readonly GraphErrorCode[] Table =
    {
        new GraphErrorCode(1, null, GraphErrorKind.Unavailable, transient: true),
        new GraphErrorCode(2, null, GraphErrorKind.Unavailable, transient: true, postMayRepeat: true),
        new GraphErrorCode(4, null, GraphErrorKind.Throttled, transient: true),
        new GraphErrorCode(10, null, GraphErrorKind.Permission),
        new GraphErrorCode(17, null, GraphErrorKind.Throttled, transient: true),
        new GraphErrorCode(32, null, GraphErrorKind.Throttled, transient: true),
        new GraphErrorCode(100, 33, GraphErrorKind.NotFound),
        new GraphErrorCode(100, null, GraphErrorKind.InvalidArgument),
        new GraphErrorCode(190, null, GraphErrorKind.Authentication, refusesToken: true),
        new GraphErrorCode(200, null, GraphErrorKind.Permission, refusesToken: true, lastCode: 299),
        new GraphErrorCode(613, null, GraphErrorKind.Throttled, transient: true),
        new GraphErrorCode(80007, null, GraphErrorKind.Throttled, transient: true),
        new GraphErrorCode(80008, null, GraphErrorKind.Throttled, transient: true),
        new GraphErrorCode(131000, null, GraphErrorKind.Unavailable, transient: true),
        new GraphErrorCode(131016, null, GraphErrorKind.Unavailable, transient: true, postMayRepeat: true),
        new GraphErrorCode(131031, null, GraphErrorKind.Permission),
        new GraphErrorCode(133000, null, GraphErrorKind.InvalidState),
        new GraphErrorCode(133004, null, GraphErrorKind.Unavailable, transient: true, postMayRepeat: true),
        new GraphErrorCode(133005, null, GraphErrorKind.InvalidArgument),
        new GraphErrorCode(133006, null, GraphErrorKind.InvalidState),
        new GraphErrorCode(133008, null, GraphErrorKind.Throttled),
        new GraphErrorCode(133009, null, GraphErrorKind.Throttled),
        new GraphErrorCode(133010, null, GraphErrorKind.InvalidState),
        new GraphErrorCode(133015, null, GraphErrorKind.InvalidState),
        new GraphErrorCode(133016, null, GraphErrorKind.Throttled),
    };

    /// <summary>The row for a code and subcode: the subcode's own row first, then the code's.</summary>
    public static GraphErrorCode? Find(int? code, int? subcode)
    {
        if (code is not int c) return null;
        GraphErrorCode? general = null;
        foreach (var row in Table)
        {
            if (c < row.Code || c > row.LastCode) continue;
            if (row.Subcode == null) general ??= row;
            else if (row.Subcode == subcode) return row;
        }
        return general;
    }

    public static bool IsTransient(int? code, int? subcode) => Find(code, subcode)?.Transient ?? false;

    public static bool PostMayRepeat(int? code, int? subcode) => Find(code, subcode)?.PostMayRepeat ?? false;

    public static bool RefusesToken(int? code, int? subcode) => Find(code, subcode)?.RefusesToken ?? false;

    /// <summary>The kind of any failure: by Graph's code, else by what happened on the wire.</summary>
    public static GraphErrorKind KindOf(GraphApiException ex) =>
        ex.Code != null ? Find(ex.Code, ex.Subcode)?.Kind ?? GraphErrorKind.Unexpected
        : ex is GraphTimeoutException ? GraphErrorKind.Timeout
        : ex.HttpStatusCode is not HttpStatusCode status ? GraphErrorKind.Connection
        : (int)status == 429 ? GraphErrorKind.Throttled
        : (int)status >= 500 ? GraphErrorKind.Unavailable
        : GraphErrorKind.Unexpected;

    /// <summary>What to do next, for the codes people meet most, fitted to what the request was about. Names no cmdlet.</summary>
    public static string? Advice(int? code, int? subcode, IdKind? target, string? targetId) => (code, subcode) switch
    {
        (100, 33) => target switch
        {
            IdKind.BusinessAccount => $"WhatsApp Business Account {targetId} is unknown, or not visible to this token: check the account ID, and that the token's system user was given access to the account.",
            IdKind.BusinessPortfolio => $"Business portfolio {targetId} is unknown, or not visible to this token: check the portfolio ID, and that the token's system user belongs to the portfolio.",
            _ => "Check that you passed a phone-number ID (such as 107878721936019), not the phone number itself, and that the token may manage this account.",
        },
        (100, 2388001) => "The display name is not approved yet: wait until NameStatus is APPROVED, then register.",
        (190, _) => "The access token is expired or invalid: get a new one (runbooks should use a system-user token).",
        (133005, _) => "What to do: register with the number's current two-step PIN, or set a new one and register with that.",
        (133006, _) => "The number must be verified again: request a code (request_code), confirm it (verify_code), then register.",
        (133010, _) => "The number is not registered: register it first.",
        (133016, _) => $"Register and deregister are limited to {RegisterLimit.Calls} attempts per number in {RegisterLimit.WindowHours} hours, and the number is now blocked for up to {RegisterLimit.WindowHours} hours: do not retry.",
        _ => null,
    };

    /// <summary>A phone-number ID used where an account ID belongs: Graph names the node type it found.</summary>
    public static bool IsPhoneNumberAsAccount(int? code, string? graphMessage) =>
        code == 100 && graphMessage != null && graphMessage.IndexOf("node type (WhatsAppBusinessPhoneNumber)", StringComparison.Ordinal) >= 0;

    public const string PhoneNumberAsAccountAdvice = "That ID is a phone-number ID, not a WhatsApp Business Account ID.";
}
