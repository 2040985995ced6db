using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Tests;

/// <summary>What <see cref="LoopbackServer"/> answers: a status, headers and a body, of which only the first <see cref="StallAfter"/> bytes may be sent before the connection hangs.</summary>
internal sealed class Reply
{
    public int Status = 200;
    public byte[] Body = Array.Empty<byte>();
    public readonly List<(string Name, string Value)> Headers = new List<(string, string)>();
    /// <summary>Send this many body bytes, then hold the connection open without a word until the server stops.</summary>
    public int? StallAfter;

    public static Reply Json(string json, int status = 200) => new Reply { Status = status, Body = Encoding.UTF8.GetBytes(json) };
}

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 speaking over sockets, for what a mocked handler cannot
/// show: connections held by a stalled body, and the cmdlets' own HTTP pipeline. One request per
/// connection unless the handler stalls.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
    private readonly Func<string, string, Reply> _answer;
    private readonly CancellationTokenSource _stop = new CancellationTokenSource();
    private int _requests, _open;

    /// <param name="answer">Method and path-with-query → the reply.</param>
    public LoopbackServer(Func<string, string, Reply> answer)
    {
        _answer = answer;
        _listener.Start();
        _ = AcceptAsync();
    }

    public string BaseUri => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
    public int Requests => Volatile.Read(ref _requests);
    /// <summary>Connections the client still holds open.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(); }
            catch (Exception) { return; }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        Interlocked.Increment(ref _open);
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII, false, 1024, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync();
                if (requestLine == null) return;
                string? line;
                while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync())) { }
                Interlocked.Increment(ref _requests);
                var parts = requestLine.Split(' ');
                var reply = _answer(parts[0], parts[1]);
                var head = new StringBuilder($"HTTP/1.1 {reply.Status} {(HttpStatusCode)reply.Status}\r\nContent-Type: application/json\r\nContent-Length: {reply.Body.Length}\r\n");
                foreach (var (name, value) in reply.Headers) head.Append($"{name}: {value}\r\n");
                if (reply.StallAfter == null) head.Append("Connection: close\r\n");
                head.Append("\r\n");
                var bytes = Encoding.ASCII.GetBytes(head.ToString());
                await stream.WriteAsync(bytes, 0, bytes.Length);
                await stream.WriteAsync(reply.Body, 0, Math.Min(reply.Body.Length, reply.StallAfter ?? int.MaxValue));
                await stream.FlushAsync();
                if (reply.StallAfter != null)
                {
                    // Hang until the client gives up on the connection (a read of 0) or the server stops.
                    var buffer = new byte[1];
                    try { await stream.ReadAsync(buffer, 0, 1, _stop.Token); }
                    catch (Exception) { }
                }
            }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
