using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Webhooks;
using Xunit;
using Xunit.Abstractions;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests.Webhooks;

/// <summary>The HttpListener endpoint on 127.0.0.1 and a free port: what it answers, and that it queues each signed POST once.</summary>
public sealed class WebhookListenerTests : IDisposable
{
    private const string Secret = "listener-app-secret";
    private const string VerifyToken = "listener-verify-token";
    private readonly ITestOutputHelper _output;
    private readonly string _prefix;
    private readonly WebhookListener _listener;
    private readonly HttpClient _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

    public WebhookListenerTests(ITestOutputHelper output)
    {
        _output = output;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _prefix = $"http://127.0.0.1:{port}/hook/";
        _listener = new WebhookListener(WebhookListener.ParsePrefix(_prefix), Secure(Secret), Secure(VerifyToken));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _http.Dispose();
    }

    private static string Notification(int n) =>
        $"{{\"object\":\"whatsapp_business_account\",\"entry\":[{{\"id\":\"114503234599312\",\"time\":{1739321024 + n},\"changes\":[{{\"field\":\"security\",\"value\":{{\"display_phone_number\":\"15550783881\",\"event\":\"PIN_CHANGED\",\"requester\":\"n{n}\"}}}}]}}]}}";

    private static HttpRequestMessage Post(string uri, string body, string? secret = Secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (secret != null)
        {
            using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
            request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes(body))).ToLowerInvariant());
        }
        return request;
    }

    private List<ListenerItem> Drain(Func<ListenerItem, bool> keep)
    {
        var items = new List<ListenerItem>();
        while (_listener.TryTake(out var item, 0, CancellationToken.None)) if (keep(item)) items.Add(item);
        return items;
    }

    [Fact]
    public async Task Two_hundred_concurrent_signed_posts_are_each_acknowledged_and_queued_once()
    {
        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(n => _http.SendAsync(Post(_prefix, Notification(n)))));
        _output.WriteLine($"200 concurrent signed POSTs answered in {clock.ElapsedMilliseconds} ms");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var bodies = Drain(i => i.Body != null).Select(i => Encoding.UTF8.GetString(i.Body!)).ToList();
        Assert.Equal(200, bodies.Count);
        Assert.Equal(Enumerable.Range(0, 200).Select(Notification).OrderBy(b => b, StringComparer.Ordinal), bodies.OrderBy(b => b, StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_handshake_echoes_the_challenge_and_a_wrong_token_gets_403()
    {
        var ok = await _http.GetAsync($"{_prefix}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={VerifyToken}");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("1158201444", await ok.Content.ReadAsStringAsync());

        var wrong = await _http.GetAsync($"{_prefix}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal("", await wrong.Content.ReadAsStringAsync());
        var warning = Assert.Single(Drain(i => i.Warning != null)).Warning!;
        Assert.Contains("verify_token", warning);
        Assert.DoesNotContain(VerifyToken, warning, StringComparison.Ordinal);
        Assert.DoesNotContain("guess", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsigned_or_wrongly_signed_post_gets_401_and_queues_nothing_but_a_warning_without_the_secret()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.SendAsync(Post(_prefix, Notification(1), secret: null))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.SendAsync(Post(_prefix, Notification(2), secret: "not-the-secret"))).StatusCode);
        var items = Drain(_ => true);
        Assert.DoesNotContain(items, i => i.Body != null);
        Assert.Equal(2, items.Count(i => i.Warning != null));
        Assert.All(items, i => Assert.DoesNotContain(Secret, i.Warning ?? i.Verbose ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_body_over_the_cap_gets_413()
    {
        // The listener answers from Content-Length alone, before reading the body. A client still
        // writing the body then races the closing connection (a broken pipe instead of the answer
        // when the machine is busy), so this sender stops after the body's start and reads the answer.
        var start = Encoding.UTF8.GetBytes(Notification(1));
        var uri = new Uri(_prefix);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, uri.Port);
        using var stream = client.GetStream();
        var head = $"POST {uri.AbsolutePath} HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {WebhookNotification.MaxBodyBytes + start.Length}\r\nX-Hub-Signature-256: sha256={new string('0', 64)}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(start);
        var answer = new byte[512];
        var read = await stream.ReadAsync(answer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 413 ", Encoding.ASCII.GetString(answer, 0, read));
        Assert.DoesNotContain(Drain(_ => true), i => i.Body != null);
    }

    [Fact]
    public async Task Other_methods_get_405_and_other_paths_404()
    {
        var put = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Put, _prefix) { Content = new StringContent("{}") });
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal("GET, POST", string.Join(", ", put.Content.Headers.Allow));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, _prefix))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(Post(_prefix + "other", Notification(1)))).StatusCode);
        Assert.DoesNotContain(Drain(_ => true), i => i.Body != null);
    }

    [Fact]
    public async Task Once_closed_a_signed_post_is_not_acknowledged()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(_prefix, Notification(1)))).StatusCode);
        _listener.Close();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => _http.SendAsync(Post(_prefix, Notification(2))));
        Assert.Single(_listener.Remaining(), i => i.Body != null);
    }

    [Theory]
    [InlineData("127.0.0.1:8080/hook/", "http:// or https://")]
    [InlineData("ftp://127.0.0.1/hook/", "http:// or https://")]
    [InlineData("http://127.0.0.1:8080/hook", "ends with '/'")]
    public void A_bad_prefix_is_refused_saying_what_to_give(string prefix, string says) =>
        Assert.Contains(says, Assert.Throws<ArgumentException>(() => WebhookListener.ParsePrefix(prefix)).Message);
}
