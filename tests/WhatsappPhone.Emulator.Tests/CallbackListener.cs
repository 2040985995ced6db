using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WhatsappPhone.Emulator.Tests;

/// <summary>A webhook endpoint on 127.0.0.1 for the emulator to call: records every request and answers as told.</summary>
public sealed class CallbackListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public CallbackListener(string verifyToken = "v3rify-t0ken")
    {
        VerifyToken = verifyToken;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }
    public string VerifyToken { get; }

    /// <summary>The handshake answer: echo the challenge when the token matches (403 otherwise), or this text instead.</summary>
    public string? WrongEcho { get; set; }

    /// <summary>How many POSTs to answer with 500 before answering 200.</summary>
    public int FailPosts { get; set; }

    /// <summary>How many POSTs to hold for <see cref="HoldFor"/> before answering them (a receiver too slow for Meta).</summary>
    public int HoldPosts { get; set; }

    public TimeSpan HoldFor { get; set; } = TimeSpan.FromSeconds(30);

    public ConcurrentQueue<Received> Requests { get; } = new();

    public IEnumerable<Received> Posts => Requests.Where(r => r.Method == "POST");

    public IEnumerable<Received> Handshakes => Requests.Where(r => r.Method == "GET");

    public sealed record Received(string Method, string Url, IReadOnlyDictionary<string, string?> Query, IReadOnlyDictionary<string, string?> Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);
    }

    /// <summary>Waits until <paramref name="count"/> POSTs arrived (the emulator sends in the background).</summary>
    public async Task<List<Received>> PostsAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (Posts.Count() < count && !timeout.IsCancellationRequested) await Task.Delay(20);
        return [.. Posts];
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var request = context.Request;
            using var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body);
            var query = request.QueryString.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => request.QueryString[k]);
            var headers = request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => request.Headers[k], StringComparer.OrdinalIgnoreCase);
            var received = new Received(request.HttpMethod, request.Url!.ToString(), query, headers, body.ToArray());
            var response = context.Response;
            if (request.HttpMethod == "GET")
            {
                var ok = query.GetValueOrDefault("hub.mode") == "subscribe" && query.GetValueOrDefault("hub.verify_token") == VerifyToken;
                response.StatusCode = ok ? 200 : 403;
                var echo = Encoding.UTF8.GetBytes(ok ? WrongEcho ?? query.GetValueOrDefault("hub.challenge") ?? "" : "");
                await response.OutputStream.WriteAsync(echo);
            }
            else
            {
                var before = Requests.Count(r => r.Method == "POST");
                if (before < HoldPosts)
                {
                    Requests.Enqueue(received);
                    // Answered later, on its own: the emulator has given up on it by then.
                    _ = Task.Delay(HoldFor).ContinueWith(_ => { try { response.StatusCode = 200; response.Close(); } catch (Exception) { } });
                    continue;
                }
                response.StatusCode = before < FailPosts ? 500 : 200;
            }
            Requests.Enqueue(received);
            response.Close();
        }
    }
}
