using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Pipeline;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Graph errors as ErrorRecords: a stable FullyQualifiedErrorId (WaApi.&lt;code&gt;), a real category, the ID
/// as target, and the client's neutral advice completed with the cmdlets that act on it.
/// </summary>
internal static class ErrorRecords
{
    public static ErrorRecord FromGraph(GraphApiException ex, object? target, string? progress = null)
    {
        var record = new ErrorRecord(ex, ex.ErrorId, Category(ex), target);
        // Meta support can act on a fault of theirs; a wrong ID, token or PIN is for the caller to fix
        // (the message says how), and the trace ID stays on the exception as FbTraceId.
        var askSupport = ex.FbTraceId != null && (ex.IsTransient || ex.Code == null);
        var message = ex.Message;
        if (CmdletAdvice(ex) is { } advice) message = GraphErrors.JoinSentences(message, advice);
        if (progress != null) message = GraphErrors.JoinSentences(message, progress);
        if (askSupport || message != ex.Message)
        {
            record.ErrorDetails = new ErrorDetails(message)
            {
                RecommendedAction = askSupport ? $"If this persists, quote fbtrace_id {ex.FbTraceId} to Meta support." : null,
            };
        }

        return record;
    }

    /// <summary>The cmdlets that fix what the client's advice describes.</summary>
    internal static string? CmdletAdvice(GraphApiException ex)
    {
        if (ex.PhoneNumberAsAccount)
            return "Get the number with Get-WaPhoneNumber -PhoneNumberId <id> (an ID given without a parameter name is taken as -BusinessAccountId).";
        if (ex is GraphTimeoutException) return "Connect-WaAccount -TimeoutSec sets the timeout.";
        if (ex.RetryBudgetExceeded != null) return "Connect-WaAccount -MaxRetryWaitSec sets the retry budget.";
        return (ex.Code, ex.Subcode) switch
        {
            (100, 33) when ex.Target == IdKind.PhoneNumber => "Get-WaPhoneNumber lists the IDs of a WhatsApp Business Account.",
            (190, _) => "Pass the new token to Connect-WaAccount, or set WHATSAPP_ACCESS_TOKEN.",
            (133005, _) => "Set-WaPhoneNumberPin sets a new PIN.",
            (133006, _) => "Request a code with Request-WaPhoneNumberCode and confirm it with Confirm-WaPhoneNumberCode, then register.",
            (133010, _) => "Register it with Register-WaPhoneNumber.",
            (100, _) when MustSubscribeFirst(ex) =>
                "Subscribe the app to the number's WhatsApp Business Account first (Register-WaWebhookSubscription -BusinessAccountId <account ID>), then set the override again.",
            _ => null,
        };
    }

    /// <summary>Graph's refusal of a webhook override while the app is not subscribed to the account.</summary>
    private static bool MustSubscribeFirst(GraphApiException ex) =>
        ex.GraphMessage != null && ex.GraphMessage.IndexOf("must be subscribed", System.StringComparison.OrdinalIgnoreCase) >= 0;

    internal static ErrorCategory Category(GraphApiException ex) =>
        ex is GraphSecurityRefusalException ? ErrorCategory.SecurityError
        : ex.LocalErrorId == WaApiCmdlet.ReadBackFailed ? ErrorCategory.ReadError
        : ex.Kind switch
        {
            GraphErrorKind.Authentication => ErrorCategory.AuthenticationError,
            GraphErrorKind.Permission => ErrorCategory.PermissionDenied,
            GraphErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            GraphErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            GraphErrorKind.InvalidState => ErrorCategory.InvalidOperation,
            GraphErrorKind.Throttled => ErrorCategory.LimitsExceeded,
            GraphErrorKind.Unavailable => ErrorCategory.ResourceUnavailable,
            GraphErrorKind.Timeout => ErrorCategory.OperationTimeout,
            GraphErrorKind.Connection => ErrorCategory.ConnectionError,
            _ => ErrorCategory.InvalidResult,
        };
}
