using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace WhatsappPhone.Tests;

/// <summary>
/// A loopback HTTP proxy that records each request's head and never forwards anything: the first
/// request is asked for Basic credentials (407), later ones get 502. Shows whether a request went
/// through a proxy at all, and with which credentials.
/// </summary>
internal sealed class RecordingProxy : IDisposable
{
    private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
    public readonly List<string> Heads = new List<string>();

    public RecordingProxy()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(Serve);
    }

    public int Port { get; }
    public string Uri => $"http://127.0.0.1:{Port}";
    public int Count { get { lock (Heads) return Heads.Count; } }

    private async Task Serve()
    {
        while (true)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false); }
            catch (Exception) { return; }
            _ = Task.Run(() => Answer(client));
        }
    }

    private async Task Answer(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new byte[16384];
            while (true)
            {
                var head = new StringBuilder();
                while (!head.ToString().Contains("\r\n\r\n"))
                {
                    int n;
                    try { n = await stream.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false); }
                    catch (Exception) { return; }
                    if (n == 0) return;
                    head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                int count;
                lock (Heads)
                {
                    Heads.Add(head.ToString());
                    count = Heads.Count;
                }
                var answer = count == 1
                    ? "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n"
                    : "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                var bytes = Encoding.ASCII.GetBytes(answer);
                try { await stream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false); }
                catch (Exception) { return; }
                if (count > 1) return;
            }
        }
    }

    public void Dispose() => _listener.Stop();
}
