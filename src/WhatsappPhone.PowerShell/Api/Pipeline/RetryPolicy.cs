using System;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Api.Pipeline
{
    /// <summary>
    /// The retry loop: an attempt, and on a failure the classifier decides whether to try again and
    /// the delay strategy how long to wait, within the total wait budget of <see cref="RetryOptions"/>.
    /// </summary>
    internal class RetryPolicy
    {
        readonly RetryOptions options;
        readonly ResponseClassifier classifier;
        readonly DelayStrategy delays;
        readonly GraphClock clock;
        readonly IGraphLog? log;

        public RetryPolicy(RetryOptions options, GraphClock clock, IGraphLog? log, ResponseClassifier? classifier = null, DelayStrategy? delays = null)
        {
            this.options = options;
            this.clock = clock;
            this.log = log;
            this.classifier = classifier ?? ResponseClassifier.Default;
            this.delays = delays ?? new DelayStrategy(options.BaseDelay);
        }

        public async Task<JsonDocument> SendAsync(GraphRequest request, Func<GraphRequest, CancellationToken, Task<JsonDocument>> attemptOnce, CancellationToken cancellationToken)
        {
            var waited = TimeSpan.Zero;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await attemptOnce(request, cancellationToken).ConfigureAwait(false);
                }
                catch (GraphApiException ex) when (classifier.IsRetriable(request, ex, attempt, options))
                {
                    var delay = delays.Next(ex, attempt);
                    if (waited + delay > options.MaxWait)
                    {
                        ex.RetryBudgetExceeded = delay;
                        throw;
                    }
                    log?.Verbose($"{ex.Request} failed ({Reason(ex)}); retrying in {delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" +
                                 $"{(ex.RetryAfter != null ? ", as the server asked" : "")} (attempt {attempt + 1} of {(request.IsIdempotent ? options.MaxRetries + 1 : 2)}).");
                    await WaitAsync(delay, cancellationToken).ConfigureAwait(false);
                    waited += delay;
                }
            }
        }

        /// <summary>Waits between attempts; tests replace the clock (or override this) so they never sleep.</summary>
        protected virtual Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) => clock.Delay(delay, cancellationToken);

        static string Reason(GraphApiException ex) =>
            ex is GraphTimeoutException ? "timed out"
            : ex.Code is int c ? $"Graph error {c}{(ex.Subcode is int s ? "/" + s.ToString(CultureInfo.InvariantCulture) : "")}"
            : ex.HttpStatusCode is HttpStatusCode h ? $"HTTP {(int)h}{(ex.GraphMessage == null && (int)h < 300 ? ", incomplete body" : "")}"
            : "no connection";
    }
}
