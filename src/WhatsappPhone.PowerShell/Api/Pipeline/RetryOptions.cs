using System;

namespace WhatsappPhone.Api.Pipeline;

/// <summary>How far a transient fault is ridden out: retries per request, and the total time spent waiting. Settings only; the loop is <see cref="RetryPolicy"/>.</summary>
internal sealed class RetryOptions
{
    public static readonly RetryOptions Default = new RetryOptions(4, TimeSpan.FromSeconds(120));

    public RetryOptions(int maxRetries, TimeSpan maxWait, TimeSpan? baseDelay = null)
    {
        BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(500);
        if (maxRetries < 0) throw new ArgumentOutOfRangeException(nameof(maxRetries), "Retries cannot be negative.");
        if (maxWait < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(maxWait), "The wait cannot be negative.");
        MaxRetries = maxRetries;
        MaxWait = maxWait;
    }

    /// <summary>Retries after the first attempt of a GET (a POST is repeated at most once, see <see cref="ResponseClassifier"/>).</summary>
    public int MaxRetries { get; }
    /// <summary>The most time one request may spend waiting between attempts, Retry-After included.</summary>
    public TimeSpan MaxWait { get; }
    /// <summary>The first backoff; each retry doubles it (with jitter), up to <see cref="DelayStrategy.MaxBackoff"/>.</summary>
    public TimeSpan BaseDelay { get; }
}
