using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Api.Pipeline;

/// <summary>
/// A client's way to Graph: a refused token stops the rest of the work, then the retry loop, and
/// for each attempt the usage pacing and one send. Once Graph refuses the token itself (expired,
/// revoked, or a permission the app lacks), every later request of this client fails at once with
/// the same error, without being sent: a pipeline of 400 IDs sends a handful of requests, not 400.
/// </summary>
internal sealed class GraphPipeline
{
    private readonly RetryPolicy _retry;
    private readonly GraphSender _sender;
    private readonly UsageThrottle _throttle;
    private readonly IGraphLog? _log;
    private GraphApiException? _tokenRefused;

    public GraphPipeline(GraphSettings settings, HttpClient http, IGraphLog? log, GraphClock clock, UsageThrottle throttle)
    {
        _log = log;
        _throttle = throttle;
        _sender = new GraphSender(settings, http, log, throttle);
        _retry = new RetryPolicy(settings.Retry, clock, log);
    }

    public async Task<JsonDocument> SendAsync(GraphRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.SendAsync(request, AttemptAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (GraphApiException ex) when (GraphErrorCodes.RefusesToken(ex.Code, ex.Subcode))
        {
            Interlocked.CompareExchange(ref _tokenRefused, ex, null);
            throw;
        }
    }

    private async Task<JsonDocument> AttemptAsync(GraphRequest request, CancellationToken cancellationToken)
    {
        ThrowIfTokenRefused(request);
        await _throttle.WaitAsync(request, _log, cancellationToken).ConfigureAwait(false);
        ThrowIfTokenRefused(request);
        return await _sender.SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private void ThrowIfTokenRefused(GraphRequest request)
    {
        if (Volatile.Read(ref _tokenRefused) is not { } refused) return;
        _log?.Debug($"{request.Description} not sent: Graph refused the token earlier ({refused.ErrorId}).");
        throw GraphErrors.Repeat(refused, request);
    }
}
