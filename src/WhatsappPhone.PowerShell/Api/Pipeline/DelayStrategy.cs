using System;

namespace WhatsappPhone.Api.Pipeline;

/// <summary>How long to wait before the next attempt: what the server asked for, else exponential backoff with jitter.</summary>
internal class DelayStrategy
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    [ThreadStatic] private static Random? _random;

    private readonly TimeSpan _baseDelay;

    public DelayStrategy(TimeSpan baseDelay) => _baseDelay = baseDelay;

    /// <summary>Retry-After or estimated_time_to_regain_access when Graph sent one (0 means now), else <see cref="Backoff"/>.</summary>
    public virtual TimeSpan Next(GraphApiException failure, int attempt) => failure.RetryAfter ?? Backoff(attempt);

    /// <summary>Half to all of BaseDelay × 2^(attempt-1), capped at <see cref="MaxBackoff"/>: concurrent clients do not retry in step.</summary>
    protected virtual TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(MaxBackoff.TotalMilliseconds, _baseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        _random ??= new Random(Guid.NewGuid().GetHashCode());
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + _random.NextDouble() / 2));
    }
}
