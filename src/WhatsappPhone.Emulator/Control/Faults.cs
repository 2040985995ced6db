using System.Text.Json.Serialization;
using Microsoft.AspNetCore.WebUtilities;
using WhatsappPhone.Emulator.Graph;

namespace WhatsappPhone.Emulator.Control;

public enum FaultKind
{
    /// <summary>A Graph error envelope with the given status and code.</summary>
    Graph,
    /// <summary>An HTML page, as a proxy or load balancer sends.</summary>
    Html,
    /// <summary>Status only, no body.</summary>
    Empty,
    /// <summary>The real answer with only its first half sent (a correct Content-Length for that half).</summary>
    Truncated,
    /// <summary>The connection aborted, no response at all.</summary>
    Drop,
    /// <summary>The real answer, after a wait.</summary>
    Delay,
    /// <summary>The real answer with paging.next pointing back: to the page itself (LoopTo self) or to the first page (first).</summary>
    Loop,
    /// <summary>The real answer: headers at once, then the body ChunkBytes at a time, DelayMs apart.</summary>
    Slow,
    /// <summary>A valid page of exactly SizeBytes: the page's items repeated, far more than asked for.</summary>
    Huge,
    /// <summary>The real answer padded with whitespace to SizeBytes, sent gzip-compressed (Content-Encoding: gzip).</summary>
    GzipBomb,
    /// <summary>The real answer with X-App-Usage and X-Business-Use-Case-Usage at the given percentages.</summary>
    Usage,
}

/// <summary>POST /_emulator/faults: the next Count Graph requests matching Method and PathContains,
/// after skipping the first AfterCount of them, are answered the Kind way.</summary>
public sealed class FaultRule
{
    public string? Method { get; init; }
    public string? PathContains { get; init; }
    public int Count { get; init; } = 1;
    public int AfterCount { get; init; }
    public FaultKind Kind { get; init; } = FaultKind.Graph;
    public int? Status { get; init; }
    public int? Code { get; init; }
    public int? Subcode { get; init; }
    public bool? IsTransient { get; init; }
    public string? Message { get; init; }
    public int? RetryAfterSeconds { get; init; }
    public int? RegainMinutes { get; init; }
    public int? DelayMs { get; init; }
    /// <summary>Loop: "self" (default) or "first".</summary>
    public string? LoopTo { get; init; }
    /// <summary>Slow: bytes per write (default 64).</summary>
    public int? ChunkBytes { get; init; }
    /// <summary>Huge and GzipBomb: the size of the (uncompressed) body.</summary>
    public long? SizeBytes { get; init; }
    /// <summary>Any kind: X-App-Usage's call_count, total_cputime and total_time.</summary>
    public int? AppUsagePercent { get; init; }
    /// <summary>Any kind: the account's call_count, total_cputime and total_time in X-Business-Use-Case-Usage.</summary>
    public int? BusinessUsagePercent { get; init; }

    /// <summary>Bodies this large are built on the fly, never held whole; the cap keeps a typo from filling a disk or a wire.</summary>
    public const long MaxSizeBytes = 2_000_000_000;

    /// <summary>
    /// Graph's hourly window on the emulator's clock: the account regains access RegainMinutes after
    /// the rule is added. Until then the rule answers every matching request (after AfterCount; Count
    /// is not used), and each answer gives the time left; then it is spent. A test advances the clock
    /// to bring the regain time near, so the client's own wait is short but still checked.
    /// </summary>
    public bool RegainOnClock { get; init; }

    /// <summary>When access is regained, for a RegainOnClock rule (set when it is added).</summary>
    public DateTimeOffset? RegainAt { get; internal set; }

    /// <summary>How many more requests this rule will answer.</summary>
    public int Remaining => RegainAt is null ? Count - _used : int.MaxValue;

    private int _skipped;
    private int _used;

    public string? Validate() => this switch
    {
        { Count: < 1 } => "count must be at least 1.",
        { AfterCount: < 0 } => "afterCount must not be negative.",
        { Status: < 100 or > 599 } => "status must be an HTTP status code (100-599).",
        { Kind: FaultKind.Delay, DelayMs: null or < 0 } => "a delay fault needs delayMs (0 or more).",
        { RetryAfterSeconds: < 0 } or { RegainMinutes: < 0 } => "retryAfterSeconds and regainMinutes must not be negative.",
        { RegainOnClock: true, RegainMinutes: null or 0 } => "regainOnClock needs regainMinutes (1 or more).",
        { RegainOnClock: true, RetryAfterSeconds: not null } => "regainOnClock sets Retry-After from the clock; leave out retryAfterSeconds.",
        { Kind: FaultKind.Slow, DelayMs: null or < 0 } => "a slow fault needs delayMs (the pause between chunks, 0 or more).",
        { ChunkBytes: < 1 } => "chunkBytes must be at least 1.",
        { Kind: FaultKind.Huge or FaultKind.GzipBomb, SizeBytes: null } => "a huge or gzipBomb fault needs sizeBytes.",
        { SizeBytes: < 1024 or > MaxSizeBytes } => $"sizeBytes must be between 1024 and {MaxSizeBytes}.",
        { LoopTo: not (null or "self" or "first") } => "loopTo must be \"self\" or \"first\".",
        { AppUsagePercent: < 0 } or { BusinessUsagePercent: < 0 } => "usage percentages must not be negative.",
        _ => null,
    };

    /// <summary>Proxies answer 502; Graph's own failures 500.</summary>
    [JsonIgnore]
    public int HttpStatus => Status ?? (Kind is FaultKind.Html or FaultKind.Empty ? 502 : 500);

    public GraphError ToGraphError()
    {
        var code = Code ?? 1;
        return new GraphError(HttpStatus, Message ?? DefaultMessage(code), code) { Subcode = Subcode, IsTransient = IsTransient };
    }

    public string HtmlPage() => $"<html><body><h1>{HttpStatus} {ReasonPhrases.GetReasonPhrase(HttpStatus)}</h1></body></html>";

    internal bool Matches(string method, string path) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && (PathContains is null || path.Contains(PathContains, StringComparison.OrdinalIgnoreCase));

    /// <summary>The minutes and seconds (both rounded up) until access is regained, as the answer reports them.</summary>
    internal (int Minutes, int? Seconds) TimeToRegain(DateTimeOffset now)
    {
        if (RegainAt is not { } at) return (RegainMinutes ?? 0, RetryAfterSeconds);
        var left = at - now;
        return ((int)Math.Ceiling(left.TotalMinutes), (int)Math.Ceiling(left.TotalSeconds));
    }

    /// <summary>True when this matching request is one the rule answers (not one it skips).</summary>
    internal bool Fire()
    {
        if (_skipped < AfterCount)
        {
            _skipped++;
            return false;
        }
        _used++;
        return true;
    }

    private static string DefaultMessage(int code) => code switch
    {
        1 => "An unknown error has occurred.",
        2 => "An unexpected error has occurred. Please retry your request later.",
        4 => "(#4) Application request limit reached",
        17 => "(#17) User request limit reached",
        80007 or 80008 => $"(#{code}) There have been too many calls to this WhatsApp Business account. Wait a bit and try again.",
        131000 => "(#131000) Something went wrong",
        131016 => "(#131016) Service unavailable",
        133004 => "(#133004) Server Temporarily Unavailable",
        _ => $"(#{code}) Error injected by the emulator",
    };
}

/// <summary>The active fault rules, first match wins; exhausted rules are dropped.</summary>
public sealed class FaultBook
{
    private readonly List<FaultRule> _rules = [];

    public IReadOnlyList<FaultRule> Rules => _rules;

    public void Add(FaultRule rule, DateTimeOffset now)
    {
        if (rule.RegainOnClock) rule.RegainAt = now + TimeSpan.FromMinutes(rule.RegainMinutes ?? 0);
        _rules.Add(rule);
    }

    public void Clear() => _rules.Clear();

    public FaultRule? Take(string method, string path, DateTimeOffset now)
    {
        _rules.RemoveAll(r => r.RegainAt <= now);
        foreach (var rule in _rules)
        {
            if (!rule.Matches(method, path) || !rule.Fire()) continue;
            if (rule.Remaining == 0) _rules.Remove(rule);
            return rule;
        }
        return null;
    }
}
