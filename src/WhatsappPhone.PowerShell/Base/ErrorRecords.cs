using System.Management.Automation;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>Graph errors as ErrorRecords: a stable FullyQualifiedErrorId (WaApi.&lt;code&gt;), a real category, the ID as target.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord FromGraph(GraphApiException ex, object? target, string? progress = null)
        {
            var record = new ErrorRecord(ex, ex.ErrorId, Category(ex), target);
            // Meta support can act on a fault of theirs; a wrong ID, token or PIN is for the caller to fix
            // (the message says how), and the trace ID stays on the exception as FbTraceId.
            var askSupport = ex.FbTraceId != null && (ex.IsTransient || ex.Code == null);
            if (askSupport || progress != null)
                record.ErrorDetails = new ErrorDetails(progress == null ? ex.Message : GraphErrors.JoinSentences(ex.Message, progress))
                {
                    RecommendedAction = askSupport ? $"If this persists, quote fbtrace_id {ex.FbTraceId} to Meta support." : null,
                };
            return record;
        }

        internal static ErrorCategory Category(GraphApiException ex) => (ex.Code, ex.Subcode) switch
        {
            (190, _) => ErrorCategory.AuthenticationError,
            (10, _) => ErrorCategory.PermissionDenied,
            (int c, _) when c >= 200 && c <= 299 => ErrorCategory.PermissionDenied,
            (131031, _) => ErrorCategory.PermissionDenied,
            (100, 33) => ErrorCategory.ObjectNotFound,
            (100, _) => ErrorCategory.InvalidArgument,
            (133005, _) => ErrorCategory.InvalidArgument,
            (133006, _) or (133010, _) or (133000, _) or (133015, _) => ErrorCategory.InvalidOperation,
            (4, _) or (17, _) or (32, _) or (613, _) or (80007, _) or (80008, _) => ErrorCategory.LimitsExceeded,
            (133008, _) or (133009, _) or (133016, _) => ErrorCategory.LimitsExceeded,
            (1, _) or (2, _) or (131000, _) or (131016, _) or (133004, _) => ErrorCategory.ResourceUnavailable,
            (null, _) when ex is GraphSecurityRefusalException => ErrorCategory.SecurityError,
            (null, _) when ex is GraphTimeoutException => ErrorCategory.OperationTimeout,
            (null, _) when ex.HttpStatusCode == null => ErrorCategory.ConnectionError,
            (null, _) when (int?)ex.HttpStatusCode == 429 => ErrorCategory.LimitsExceeded,
            (null, _) when (int?)ex.HttpStatusCode >= 500 => ErrorCategory.ResourceUnavailable,
            _ => ErrorCategory.InvalidResult,
        };
    }
}
