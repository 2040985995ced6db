using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Api.Pipeline
{
    /// <summary>
    /// A client's way to Graph: a refused token stops the rest of the work, then the retry loop, and
    /// for each attempt the usage pacing and one send. Once Graph refuses the token itself (expired,
    /// revoked, or a permission the app lacks), every later request of this client fails at once with
    /// the same error, without being sent: a pipeline of 400 IDs sends a handful of requests, not 400.
    /// </summary>
    internal sealed class GraphPipeline
    {
        readonly RetryPolicy retry;
        readonly GraphSender sender;
        readonly UsageThrottle throttle;
        readonly IGraphLog? log;
        GraphApiException? tokenRefused;

        public GraphPipeline(GraphSettings settings, HttpClient http, IGraphLog? log, GraphClock clock, UsageThrottle throttle)
        {
            this.log = log;
            this.throttle = throttle;
            sender = new GraphSender(settings, http, log, throttle);
            retry = new RetryPolicy(settings.Retry, clock, log);
        }

        public async Task<JsonDocument> SendAsync(GraphRequest request, CancellationToken cancellationToken)
        {
            try
            {
                return await retry.SendAsync(request, AttemptAsync, cancellationToken).ConfigureAwait(false);
            }
            catch (GraphApiException ex) when (GraphErrorCodes.RefusesToken(ex.Code, ex.Subcode))
            {
                Interlocked.CompareExchange(ref tokenRefused, ex, null);
                throw;
            }
        }

        async Task<JsonDocument> AttemptAsync(GraphRequest request, CancellationToken cancellationToken)
        {
            ThrowIfTokenRefused(request);
            await throttle.WaitAsync(request, log, cancellationToken).ConfigureAwait(false);
            ThrowIfTokenRefused(request);
            return await sender.SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
        }

        void ThrowIfTokenRefused(GraphRequest request)
        {
            if (Volatile.Read(ref tokenRefused) is not { } refused) return;
            log?.Debug($"{request.Description} not sent: Graph refused the token earlier ({refused.ErrorId}).");
            throw GraphErrors.Repeat(refused, request);
        }
    }
}
