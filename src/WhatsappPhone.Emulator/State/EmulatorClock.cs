namespace WhatsappPhone.Emulator.State;

/// <summary>
/// Real time plus an offset the control API can advance, so tests cross the 72-hour register window
/// or the 14-day verification lifetime without waiting.
/// </summary>
public sealed class EmulatorClock
{
    private long _offsetTicks;

    public DateTimeOffset Now => DateTimeOffset.UtcNow + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Raised after the clock was moved forward, so what waits on it (webhook retries) looks again.</summary>
    public event Action? Advanced;

    public void Advance(TimeSpan by)
    {
        Interlocked.Add(ref _offsetTicks, by.Ticks);
        Advanced?.Invoke();
    }

    public void Reset() => Interlocked.Exchange(ref _offsetTicks, 0);
}
