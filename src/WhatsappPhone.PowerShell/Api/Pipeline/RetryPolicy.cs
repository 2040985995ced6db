using System;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Api.Pipeline;

/// <summary>
/// The retry loop: an attempt, and on a failure the classifier decides whether to try again and
/// the delay strategy how long to wait, within the total wait budget of <see cref="RetryOptions"/>.
/// </summary>
internal class RetryPolicy
{
    private readonly RetryOptions _options;
    private readonly ResponseClassifier _classifier;
    private readonly DelayStrategy _delays;
    private readonly GraphClock _clock;
    private readonly IGraphLog? _log;

    public RetryPolicy(RetryOptions options, GraphClock clock, IGraphLog? log, ResponseClassifier? classifier = null, DelayStrategy? delays = null)
    {
        _options = options;
        _clock = clock;
        _log = log;
        _classifier = classifier ?? ResponseClassifier.Default;
        _delays = delays ?? new DelayStrategy(options.BaseDelay);
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
            catch (GraphApiException ex) when (_classifier.IsRetriable(request, ex, attempt, _options))
            {
                var delay = _delays.Next(ex, attempt);
                if (waited + delay > _options.MaxWait)
                {
                    ex.RetryBudgetExceeded = delay;
                    throw;
                }
                _log?.Verbose($"{ex.Request} failed ({Reason(ex)}); retrying in {delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" +
                             $"{(ex.RetryAfter != null ? ", as the server asked" : "")} (attempt {attempt + 1} of {(request.IsIdempotent ? _options.MaxRetries + 1 : 2)}).");
                await WaitAsync(delay, cancellationToken).ConfigureAwait(false);
                waited += delay;
            }
        }
    }

    /// <summary>Waits between attempts; tests replace the clock (or override this) so they never sleep.</summary>
    protected virtual Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) => _clock.Delay(delay, cancellationToken);

    private static string Reason(GraphApiException ex) =>
        ex is GraphTimeoutException ? "timed out"
        : ex.Code is int c ? $"Graph error {c}{(ex.Subcode is int s ? "/" + s.ToString(CultureInfo.InvariantCulture) : "")}"
        : ex.HttpStatusCode is HttpStatusCode h ? $"HTTP {(int)h}{(ex.GraphMessage == null && (int)h < 300 ? ", incomplete body" : "")}"
        : "no connection";
}
