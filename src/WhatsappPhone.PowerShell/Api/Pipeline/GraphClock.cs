using System;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Api.Pipeline;

/// <summary>Time as the pipeline sees it: backoff and pacing wait through it, so tests replace it and never sleep.</summary>
internal class GraphClock
{
    public static readonly GraphClock System = new GraphClock();

    public virtual DateTime UtcNow => DateTime.UtcNow;

    public virtual Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, cancellationToken)
        : cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken)
        : Task.CompletedTask;
}
