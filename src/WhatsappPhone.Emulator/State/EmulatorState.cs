using WhatsappPhone.Emulator.Control;
using WhatsappPhone.Emulator.Graph;

namespace WhatsappPhone.Emulator.State;

/// <summary>
/// All mutable emulator state. Requests are served one at a time under <see cref="Gate"/> (taken by the
/// pipeline), so nothing below needs its own locking; waits (latency, delay faults) happen outside it.
/// </summary>
public sealed class EmulatorState
{
    private readonly string _seedJson;
    private readonly EmulatorOptions _options;
    private int _latencyMs;

    public EmulatorState(EmulatorOptions options, string seedJson)
    {
        _options = options;
        _seedJson = seedJson;
        World = Seed.Build(seedJson, options.GeneratedNumbers, Clock.Now);
        LatencyMs = options.LatencyMs;
    }

    public SemaphoreSlim Gate { get; } = new(1, 1);
    public string Token => _options.Token;
    public EmulatorClock Clock { get; } = new();
    public World World { get; private set; }
    public FaultBook Faults { get; } = new();
    public RequestLog Requests { get; } = new();
    public UsageMeter Usage { get; } = new();

    /// <summary>Read outside <see cref="Gate"/> (the wait must not serialise requests), hence volatile.</summary>
    public int LatencyMs
    {
        get => Volatile.Read(ref _latencyMs);
        set => Volatile.Write(ref _latencyMs, value);
    }

    /// <summary>Back to the state at start: seed, no faults, empty log, real time, the start-up latency.</summary>
    public void Reset()
    {
        Clock.Reset();
        World = Seed.Build(_seedJson, _options.GeneratedNumbers, Clock.Now);
        Faults.Clear();
        Requests.Clear();
        Usage.Clear();
        LatencyMs = _options.LatencyMs;
    }
}
