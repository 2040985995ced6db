using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Api.Pipeline;

/// <summary>
/// Slows down before Graph's rate limits bite, following what Graph says now. It keeps, per host,
/// the latest usage reading of the app (X-App-Usage) and of each WhatsApp Business Account
/// (X-Business-Use-Case-Usage, whose limit is per app and account). A request is governed by the
/// app's reading and by its account's: the account it is about, or the one a previous answer
/// about the same number reported; for a number not seen yet, the busiest account on the host.
/// From 90% on, requests under that reading take turns, 0.45 s apart at 90% up to 5 s at 100%,
/// shared by every request and runspace in the process: however many run at once
/// (-ThrottleLimit), the rate towards a nearly exhausted limit stays the same, while other
/// accounts are not slowed at all.
/// A reading governs only while Graph stands by it: the next reading replaces it; an answer about
/// the same app or account that carries no reading ends it; and it lapses <see cref="ReadingLifetime"/>
/// after Graph sent it. A request waiting its turn that is cancelled leaves the queue at once, so
/// no pause outlives the work that asked for it: a request waits at most one interval after the
/// requests ahead of it that are still waiting.
/// </summary>
internal sealed class UsageThrottle
{
    public const int Threshold = 90;
    /// <summary>How long a reading governs when no answer repeats it (sustained usage is repeated on every answer).</summary>
    public static readonly TimeSpan ReadingLifetime = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(5);
    private const int MaxRemembered = 10000;
    private static readonly ConcurrentDictionary<string, UsageThrottle> Hosts = new ConcurrentDictionary<string, UsageThrottle>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The process-wide throttle of a host: concurrent cmdlets and runspaces share its readings and turns.</summary>
    public static UsageThrottle ForHost(Uri baseUri) => Hosts.GetOrAdd(baseUri.Authority, _ => new UsageThrottle(GraphClock.System));

    private readonly GraphClock _clock;
    private readonly object _sync = new object();
    private readonly Meter _app = new Meter();
    private readonly Dictionary<string, Meter> _accounts = new Dictionary<string, Meter>(StringComparer.Ordinal);
    /// <summary>Object ID (a phone number) → the account its answers reported usage for.</summary>
    private readonly Dictionary<string, string> _accountOf = new Dictionary<string, string>(StringComparer.Ordinal);

    public UsageThrottle(GraphClock clock) => _clock = clock;

    /// <summary>One usage reading and the turns of the requests it governs.</summary>
    private sealed class Meter
    {
        public int Percent;
        public DateTime At;
        public bool Current;
        public readonly SemaphoreSlim Turn = new SemaphoreSlim(1, 1);

        public void Read(int percent, DateTime now)
        {
            Percent = percent;
            At = now;
            Current = true;
        }

        public bool Governs(DateTime now) => Current && Percent >= Threshold && now - At <= ReadingLifetime;
    }

    public void Observe(GraphRequest request, HttpResponseMessage response)
    {
        var appHeader = GraphErrors.Header(response, UsageHeaders.AppHeader);
        var businessHeader = GraphErrors.Header(response, UsageHeaders.BusinessHeader);
        var reported = businessHeader != null ? UsageHeaders.AccountPercents(businessHeader) : new List<(string Account, int Percent)>();
        var now = _clock.UtcNow;
        lock (_sync)
        {
            if (appHeader != null) _app.Read(UsageHeaders.MaxPercent(appHeader), now);
            else _app.Current = false;

            var about = AccountAbout(request);
            var aboutReported = false;
            foreach (var (account, percent) in reported)
            {
                if (!_accounts.TryGetValue(account, out var meter)) _accounts[account] = meter = new Meter();
                meter.Read(percent, now);
                aboutReported |= account == about;
                if (request.TargetId != null && request.TargetId != account)
                {
                    if (_accountOf.Count >= MaxRemembered) _accountOf.Clear();
                    _accountOf[request.TargetId] = account;
                }
            }
            if (about != null && !aboutReported && _accounts.TryGetValue(about, out var silent)) silent.Current = false;
        }
    }

    /// <summary>Waits for this request's turn when a reading at or above the threshold governs it.</summary>
    public async Task WaitAsync(GraphRequest request, IGraphLog? log, CancellationToken cancellationToken)
    {
        Meter? meter;
        string? account;
        lock (_sync) (meter, account) = Governing(request, _clock.UtcNow);
        if (meter == null) return;

        await meter.Turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            int percent;
            lock (_sync)
            {
                // The requests ahead may have brought a newer reading, or none.
                if (!meter.Governs(_clock.UtcNow)) return;
                percent = meter.Percent;
            }
            var delay = Interval(percent);
            log?.Verbose($"Graph reports {percent}% of the rate limit used{(account != null ? $" for WhatsApp Business Account {account}" : "")}; " +
                         $"pausing {delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s before the next request.");
            await _clock.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            meter.Turn.Release();
        }
    }

    private string? AccountAbout(GraphRequest request) =>
        request.TargetId == null ? null
        : request.Target == IdKind.BusinessAccount ? request.TargetId
        : _accountOf.TryGetValue(request.TargetId, out var owner) ? owner
        : null;

    /// <summary>The reading at or above the threshold that governs a request (the fuller one), with its account; null when none.</summary>
    private (Meter? Meter, string? Account) Governing(GraphRequest request, DateTime now)
    {
        Meter? account = null;
        string? name = null;
        var id = request.TargetId;
        if (id != null && _accounts.TryGetValue(id, out account))
        {
            name = id;
        }
        else if (request.Target == IdKind.BusinessAccount) { }
        else if (id != null && _accountOf.TryGetValue(id, out var owner) && _accounts.TryGetValue(owner, out account))
        {
            name = owner;
        }
        else
        {
            foreach (var pair in _accounts)
                if (pair.Value.Governs(now) && (account == null || pair.Value.Percent > account.Percent)) { account = pair.Value; name = pair.Key; }
        }

        if (account != null && !account.Governs(now)) account = null;
        var appMeter = _app.Governs(now) ? _app : null;
        if (account != null && (appMeter == null || account.Percent >= appMeter.Percent)) return (account, name);
        if (appMeter != null) return (appMeter, null);
        return (null, null);
    }

    private static TimeSpan Interval(int percent) => TimeSpan.FromMilliseconds(Math.Min(MaxInterval.TotalMilliseconds, (percent - Threshold + 1) * 450));
}
