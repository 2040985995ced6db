using WhatsappPhone.Emulator.Control;
using WhatsappPhone.Emulator.Graph;
using WhatsappPhone.Emulator.Webhooks;

namespace WhatsappPhone.Emulator.State;

/// <summary>
/// All mutable emulator state. Requests are served one at a time under <see cref="Gate"/> (taken by the
/// pipeline), so nothing below needs its own locking; waits (latency, delay faults) happen outside it.
/// </summary>
public sealed class EmulatorState : IDisposable
{
    private readonly string _seedJson;
    private readonly EmulatorOptions _options;
    private int _latencyMs;

    public EmulatorState(EmulatorOptions options, string seedJson)
    {
        _options = options;
        _seedJson = seedJson;
        // Its own HTTP client, so a slow callback holds up no request; each attempt has the app's timeout.
        Delivery = new WebhookDelivery(new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan }, Clock);
        World = Seed.Build(seedJson, options.GeneratedNumbers, Clock.Now);
        LatencyMs = options.LatencyMs;
        Webhooks = new WebhookState(options);
        WebhookRouting.RefreshAll(this);
    }

    public SemaphoreSlim Gate { get; } = new(1, 1);
    public string Token => _options.Token;
    public EmulatorClock Clock { get; } = new();
    public World World { get; private set; }
    public FaultBook Faults { get; } = new();
    public RequestLog Requests { get; } = new();
    public UsageMeter Usage { get; } = new();
    public WebhookState Webhooks { get; private set; }

    /// <summary>Sends notifications outside <see cref="Gate"/>; its own HTTP client, so a slow callback holds up no request.</summary>
    public WebhookDelivery Delivery { get; }

    /// <summary>For the verification GET, which runs inside a Graph request, as at Meta.</summary>
    public HttpClient HandshakeClient { get; } = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>Read outside <see cref="Gate"/> (the wait must not serialise requests), hence volatile.</summary>
    public int LatencyMs
    {
        get => Volatile.Read(ref _latencyMs);
        set => Volatile.Write(ref _latencyMs, value);
    }

    /// <summary>Back to the state at start: seed, no faults, empty log, real time, the start-up latency, no subscription, no delivery.</summary>
    public void Reset()
    {
        Clock.Reset();
        World = Seed.Build(_seedJson, _options.GeneratedNumbers, Clock.Now);
        Faults.Clear();
        Requests.Clear();
        Usage.Clear();
        LatencyMs = _options.LatencyMs;
        Webhooks = new WebhookState(_options);
        Delivery.Clear();
        WebhookRouting.RefreshAll(this);
    }

    /// <summary>Stops webhook delivery; called when the host stops.</summary>
    public void Dispose()
    {
        Delivery.Dispose();
        HandshakeClient.Dispose();
    }
}
