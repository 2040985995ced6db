using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace WhatsappPhone.Tests;

/// <summary>
/// A real HTTP server on a loopback port that records what it receives and answers every request
/// alike: for what only a real socket shows (the Authorization header as sent, whether a proxy
/// was asked). It answers the recorded phone number unless told otherwise.
/// </summary>
internal sealed class RecordingGraph : IDisposable
{
    private readonly HttpListener _listener = new HttpListener();
    private readonly Func<HttpListenerRequest, (int Status, string Body)> _answer;
    public readonly List<(string Method, string Url, string? Authorization, string Body)> Requests = new List<(string, string, string?, string)>();

    public RecordingGraph(Func<HttpListenerRequest, (int Status, string Body)>? answer = null)
    {
        _answer = answer ?? (_ => (200, TestSupport.Recorded("registered_number_with_success_response")));
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(Serve);
    }

    public int Port { get; }
    /// <summary>When set, every answer sends this many body bytes and then drops the connection.</summary>
    public int? CutBodyAfter { get; set; }
    public string Uri => $"http://127.0.0.1:{Port}";

    public int Count { get { lock (Requests) return Requests.Count; } }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception) { return; }
            var request = context.Request;
            string body;
            using (var reader = new System.IO.StreamReader(request.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync().ConfigureAwait(false);
            lock (Requests) Requests.Add((request.HttpMethod, request.RawUrl ?? "", request.Headers["Authorization"], body));
            var (status, text) = _answer(request);
            var bytes = Encoding.UTF8.GetBytes(text);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            if (CutBodyAfter is int cut && cut < bytes.Length)
            {
                // The status line and part of the body, then the connection drops.
                await context.Response.OutputStream.WriteAsync(bytes, 0, cut).ConfigureAwait(false);
                await context.Response.OutputStream.FlushAsync().ConfigureAwait(false);
                context.Response.Abort();
                continue;
            }
            await context.Response.OutputStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            context.Response.Close();
        }
    }

    internal static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
