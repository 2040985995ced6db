namespace WhatsappPhone.Api.Pipeline;

/// <summary>
/// What may be sent again. A GET is idempotent and retried on transient faults. A POST (register,
/// deregister, request_code...) is not, because each attempt counts against Meta's limits and may
/// already have taken effect: it is repeated once, only when it provably never reached the server
/// (connection refused) or on the codes Meta documents as "try again" (<see cref="GraphErrorCodes"/>).
/// </summary>
internal class ResponseClassifier
{
    public static readonly ResponseClassifier Default = new ResponseClassifier();

    /// <param name="request">What was sent: a GET may be repeated, a POST only when provably unsent or on "try again" codes.</param>
    /// <param name="failure">How it failed.</param>
    /// <param name="attempt">The attempt that failed, from 1.</param>
    /// <param name="options">The retry settings (how many retries).</param>
    public virtual bool IsRetriable(GraphRequest request, GraphApiException failure, int attempt, RetryOptions options)
    {
        if (request.IsIdempotent) return failure.IsTransient && attempt <= options.MaxRetries;
        return attempt == 1 && options.MaxRetries > 0
            && (failure.NeverReachedServer || GraphErrorCodes.PostMayRepeat(failure.Code, failure.Subcode));
    }
}
