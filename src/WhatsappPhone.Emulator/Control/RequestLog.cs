namespace WhatsappPhone.Emulator.Control;

/// <summary>A Graph request as the control API reports it. Status 0 means the connection was dropped.</summary>
public sealed record RequestLogEntry(string Method, string Path, string Query, string? Body, int Status, DateTimeOffset Time, string? Fault);

/// <summary>Graph requests in arrival order (control calls are not logged); tests count attempts with it.
/// Locked on its own, because a request the client abandoned is logged outside the state gate.</summary>
public sealed class RequestLog
{
    // Bounded so a long benchmark run cannot exhaust memory; the newest entries are the ones kept.
    private const int Capacity = 100_000;

    private readonly Queue<RequestLogEntry> _entries = new();

    public IReadOnlyList<RequestLogEntry> Entries
    {
        get { lock (_entries) return _entries.ToArray(); }
    }

    public void Add(RequestLogEntry entry)
    {
        lock (_entries)
        {
            if (_entries.Count == Capacity) _entries.Dequeue();
            _entries.Enqueue(entry);
        }
    }

    public void Clear()
    {
        lock (_entries) _entries.Clear();
    }
}
