using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks;

namespace WhatsappPhone.Tests.Webhooks;

/// <summary>Notifications in Meta's envelope, signed as Meta signs them, with nothing from the module.</summary>
internal static class WebhookTraffic
{
    public const string Secret = "intake-app-secret";

    /// <summary>A security notification whose requester is "n{n}", so each is told apart by its events.</summary>
    public static string Notification(int n) =>
        $"{{\"object\":\"whatsapp_business_account\",\"entry\":[{{\"id\":\"114503234599312\",\"time\":{1739321024 + n},\"changes\":[{{\"field\":\"security\",\"value\":{{\"display_phone_number\":\"15550783881\",\"event\":\"PIN_CHANGED\",\"requester\":\"n{n}\"}}}}]}}]}}";

    public static string Sign(string body, string secret = Secret) => Sign(Encoding.UTF8.GetBytes(body), secret);

    public static string Sign(byte[] body, string secret = Secret)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        return "sha256=" + Convert.ToHexString(hmac.ComputeHash(body)).ToLowerInvariant();
    }

    public static HttpRequestMessage Post(string uri, string body, string? secret = Secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (secret != null) request.Headers.Add("X-Hub-Signature-256", Sign(body, secret));
        return request;
    }

    /// <summary>The n of a notification's event (its requester).</summary>
    public static int Number(WebhookEvent e) => int.Parse(((SecurityEvent)e).Requester!.Substring(1), CultureInfo.InvariantCulture);

    /// <summary>A free port on 127.0.0.1, and a prefix on it.</summary>
    public static string FreePrefix()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"http://127.0.0.1:{port}/hook/";
    }
}

/// <summary>
/// A connection that speaks HTTP/1.1 by hand over a socket: for what HttpClient will not send
/// (pipelined requests, two same-named headers, a body a byte at a time) and to read answers exactly.
/// </summary>
internal sealed class RawConnection : IDisposable
{
    private readonly TcpClient _client = new TcpClient();
    private readonly List<byte> _pending = new List<byte>();
    private NetworkStream? _stream;

    public static async Task<RawConnection> OpenAsync(int port)
    {
        var c = new RawConnection();
        await c._client.ConnectAsync(IPAddress.Loopback, port);
        c._stream = c._client.GetStream();
        return c;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream!.WriteAsync(bytes);

    /// <summary>A POST's head and body as text, signed unless <paramref name="signatures"/> says otherwise (each given value is one header).</summary>
    public static string Request(string path, string body, IEnumerable<string>? signatures = null, string extraHeaders = "", int? declaredLength = null)
    {
        var sb = new StringBuilder();
        sb.Append($"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n");
        sb.Append($"Content-Length: {declaredLength ?? Encoding.UTF8.GetByteCount(body)}\r\n");
        foreach (var s in signatures ?? new[] { WebhookTraffic.Sign(body) }) sb.Append($"X-Hub-Signature-256: {s}\r\n");
        sb.Append(extraHeaders);
        sb.Append("\r\n");
        sb.Append(body);
        return sb.ToString();
    }

    /// <summary>
    /// The next answer's status line, headers and body (by its Content-Length); null when the
    /// connection closed first. Waits at most <paramref name="timeout"/>, which callers make generous:
    /// what is asserted is the answer, not how soon it came.
    /// </summary>
    public async Task<(int Status, string Head, string Body)?> ReadAnswerAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[8192];
        while (true)
        {
            var text = Encoding.ASCII.GetString(_pending.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var head = text.Substring(0, end);
                var status = int.Parse(head.Substring(9, 3), CultureInfo.InvariantCulture);
                var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                var length = lengthLine == null ? 0 : int.Parse(lengthLine.Substring(15).Trim(), CultureInfo.InvariantCulture);
                if (status == 100) length = 0;
                if (_pending.Count >= end + 4 + length)
                {
                    var body = Encoding.UTF8.GetString(_pending.Skip(end + 4).Take(length).ToArray());
                    _pending.RemoveRange(0, end + 4 + length);
                    return (status, head, body);
                }
            }
            int n;
            try
            {
                n = await _stream!.ReadAsync(buffer, cts.Token);
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is SocketException)
            {
                return null;
            }
            if (n == 0) return null;
            _pending.AddRange(buffer.Take(n));
        }
    }

    /// <summary>Whether the server closed the connection (reads end) within <paramref name="timeout"/>.</summary>
    public async Task<bool> ClosedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                var n = await _stream!.ReadAsync(buffer, cts.Token);
                if (n == 0) return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception ex) when (ex is System.IO.IOException || ex is SocketException)
        {
            return true;
        }
    }

    public void Dispose() => _client.Dispose();
}
