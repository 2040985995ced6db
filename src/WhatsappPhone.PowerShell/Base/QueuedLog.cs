using System.Collections.Concurrent;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets;

/// <summary>The client logs from thread-pool threads; lines wait here for the pipeline thread.</summary>
internal sealed class QueuedLog : IGraphLog
{
    public readonly ConcurrentQueue<(bool Verbose, string Line)> Lines = new ConcurrentQueue<(bool, string)>();
    public void Debug(string line) => Lines.Enqueue((false, line));
    public void Verbose(string line) => Lines.Enqueue((true, line));
}
