namespace WhatsappPhone.Emulator.Graph;

/// <summary>
/// Loose bookkeeping for the usage headers: calls in the last hour as a percentage of a budget.
/// Meta's management-call limits per app and WABA: 200 calls an hour by default, 5,000 for an
/// active WABA (one with at least one registered phone number). Nothing is enforced; faults
/// emulate throttling.
/// </summary>
public sealed class UsageMeter
{
    public const int WabaHourlyBudget = 200;
    public const int ActiveWabaHourlyBudget = 5000;
    private const int AppHourlyBudget = 5000;
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly Queue<DateTimeOffset> _app = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _wabas = [];

    /// <summary>Counts one call; returns the app's and (when the call is about one) the WABA's usage.</summary>
    /// <param name="wabaActive">Whether the WABA has a registered number, which raises its budget.</param>
    public (Usage App, Usage? Waba) Record(string? wabaId, bool wabaActive, DateTimeOffset now)
    {
        var app = Count(_app, now, AppHourlyBudget);
        if (wabaId is null) return (app, null);
        if (!_wabas.TryGetValue(wabaId, out var calls)) _wabas[wabaId] = calls = new Queue<DateTimeOffset>();
        return (app, Count(calls, now, wabaActive ? ActiveWabaHourlyBudget : WabaHourlyBudget));
    }

    public void Clear()
    {
        _app.Clear();
        _wabas.Clear();
    }

    private static Usage Count(Queue<DateTimeOffset> calls, DateTimeOffset now, int budget)
    {
        calls.Enqueue(now);
        while (now - calls.Peek() >= Window) calls.Dequeue();
        var percent = Math.Min(100, calls.Count * 100 / budget);
        // Graph reports CPU and wall time separately; here they simply track the call count.
        return new Usage(percent, percent / 2, percent / 2);
    }
}

public readonly record struct Usage(int CallCount, int TotalCputime, int TotalTime);
