using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks;
using WhatsappPhone.Webhooks.Http;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;
using static WhatsappPhone.Tests.Webhooks.WebhookTraffic;

namespace WhatsappPhone.Tests.Webhooks.Http;

/// <summary>
/// The listener's HTTP as a caller on the Internet sees it: requests pipelined and answered in order,
/// ambiguous or oversized requests refused before a body is read or "100 Continue" promised, slow
/// and crowding callers bounded in time, count and bytes.
/// </summary>
public sealed class HttpServerTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly List<IDisposable> _disposables = new List<IDisposable>();
    private readonly List<WebhookEvent> _written = new List<WebhookEvent>();
    private readonly CancellationTokenSource _stop = new CancellationTokenSource();

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var d in Enumerable.Reverse(_disposables)) d.Dispose();
    }

    /// <summary>An intake whose pipeline takes and writes every event at once.</summary>
    private WebhookIntake Start(HttpServerLimits? limits = null)
    {
        var intake = new WebhookIntake(ListenPrefix.Parse(FreePrefix()), Secure(Secret), null, null, null,
            new WebhookIntakeOptions { Server = limits ?? new HttpServerLimits() });
        intake.Start();
        _disposables.Add(intake);
        _ = Task.Run(() =>
        {
            try
            {
                while (true)
                    if (intake.Take(-1, _stop.Token) is IntakeNotification n)
                    {
                        lock (_written) _written.AddRange(n.Events);
                        intake.Complete(n, n.Events.Count);
                    }
            }
            catch (OperationCanceledException)
            {
            }
        });
        return intake;
    }

    private async Task<RawConnection> Connect(WebhookIntake intake)
    {
        var c = await RawConnection.OpenAsync(intake.Port);
        _disposables.Add(c);
        return c;
    }

    private int[] Written()
    {
        lock (_written) return _written.Select(Number).ToArray();
    }

    [Fact]
    public async Task Requests_pipelined_on_one_connection_are_each_answered_in_order()
    {
        var intake = Start();
        var c = await Connect(intake);
        await c.SendAsync(RawConnection.Request("/hook/", Notification(1)) + RawConnection.Request("/hook/", Notification(2)) + RawConnection.Request("/hook/", Notification(3)));

        for (var i = 0; i < 3; i++) Assert.Equal(200, (await c.ReadAnswerAsync(Generous))?.Status);
        Assert.Equal(new[] { 1, 2, 3 }, Written());
    }

    [Fact]
    public async Task Two_signature_headers_are_refused_with_400_and_nothing_is_written()
    {
        var intake = Start();
        var c = await Connect(intake);
        var body = Notification(1);
        await c.SendAsync(RawConnection.Request("/hook/", body, new[] { Sign(body, "forged"), Sign(body) }));

        Assert.Equal(400, (await c.ReadAnswerAsync(Generous))?.Status);
        Assert.Empty(Written());
        Assert.Equal(1, intake.Refused()[400]);
    }

    [Fact]
    public async Task An_oversized_body_that_expects_100_continue_gets_413_and_never_100()
    {
        var intake = Start();
        var c = await Connect(intake);
        await c.SendAsync($"POST /hook/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {WebhookNotification.MaxBodyBytes + 1}\r\nExpect: 100-continue\r\nX-Hub-Signature-256: {Sign("x")}\r\n\r\n");

        var answer = await c.ReadAnswerAsync(Generous);
        Assert.Equal(413, answer?.Status);
        Assert.Contains("Connection: close", answer?.Head);
        Assert.True(await c.ClosedAsync(Generous));
    }

    [Fact]
    public async Task An_unsigned_post_that_expects_100_continue_gets_401_without_its_body_being_asked_for()
    {
        var intake = Start();
        var c = await Connect(intake);
        await c.SendAsync("POST /hook/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n");

        Assert.Equal(401, (await c.ReadAnswerAsync(Generous))?.Status);
        Assert.True(await c.ClosedAsync(Generous));
    }

    [Fact]
    public async Task A_signed_post_that_expects_100_continue_gets_100_then_200_once_its_body_came()
    {
        var intake = Start();
        var c = await Connect(intake);
        var body = Notification(5);
        var request = RawConnection.Request("/hook/", body, extraHeaders: "Expect: 100-continue\r\n");
        var head = request.Substring(0, request.Length - body.Length);
        await c.SendAsync(head);

        Assert.Equal(100, (await c.ReadAnswerAsync(Generous))?.Status);
        await c.SendAsync(body);
        Assert.Equal(200, (await c.ReadAnswerAsync(Generous))?.Status);
        Assert.Equal(new[] { 5 }, Written());
    }

    [Fact]
    public async Task A_chunked_body_is_read_whole_and_its_signature_checked()
    {
        var intake = Start();
        var c = await Connect(intake);
        var body = Notification(9);
        var half = body.Length / 2;
        await c.SendAsync($"POST /hook/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nX-Hub-Signature-256: {Sign(body)}\r\n\r\n" +
            $"{half:x}\r\n{body.Substring(0, half)}\r\n{body.Length - half:x}\r\n{body.Substring(half)}\r\n0\r\n\r\n");

        Assert.Equal(200, (await c.ReadAnswerAsync(Generous))?.Status);
        Assert.Equal(new[] { 9 }, Written());
    }

    [Theory]
    [InlineData("Content-Length: 10\r\nTransfer-Encoding: chunked\r\n", 400)]
    [InlineData("Content-Length: 10\r\nContent-Length: 11\r\n", 400)]
    [InlineData("Transfer-Encoding: gzip\r\n", 501)]
    public async Task A_body_whose_length_is_ambiguous_is_refused(string headers, int status)
    {
        var intake = Start();
        var c = await Connect(intake);
        await c.SendAsync($"POST /hook/ HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}X-Hub-Signature-256: {Sign("x")}\r\n\r\n0123456789");

        Assert.Equal(status, (await c.ReadAnswerAsync(Generous))?.Status);
        Assert.True(await c.ClosedAsync(Generous));
    }

    [Fact]
    public async Task A_request_that_does_not_arrive_in_time_gets_408_and_its_connection_closes()
    {
        // Real time is the point here: the server's own deadline must fire. It is short (300 ms) and
        // the test waits up to 30 s for the answer, so a busy machine only makes it later.
        var intake = Start(new HttpServerLimits { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        var headers = await Connect(intake);
        await headers.SendAsync("POST /hook/ HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        var body = await Connect(intake);
        await body.SendAsync(RawConnection.Request("/hook/", Notification(1)).Substring(0, 200));

        Assert.Equal(408, (await headers.ReadAnswerAsync(Generous))?.Status);
        Assert.Equal(408, (await body.ReadAnswerAsync(Generous))?.Status);
        Assert.True(await body.ClosedAsync(Generous));
        Assert.Equal(2, intake.Refused()[408]);
        Assert.Empty(Written());
    }

    [Fact]
    public async Task Two_hundred_callers_dribbling_their_bodies_do_not_stall_a_signed_notification()
    {
        // The dribblers hold their requests for far longer than the test (their deadline is 5 minutes),
        // so the notification is answered while all 200 are open: no thread waits on a slow caller.
        var intake = Start(new HttpServerLimits { RequestTimeout = TimeSpan.FromMinutes(5) });
        var dribblers = new List<RawConnection>();
        for (var i = 0; i < 200; i++)
        {
            var d = await Connect(intake);
            var request = RawConnection.Request("/hook/", Notification(100 + i));
            await d.SendAsync(request.Substring(0, request.Length - 50));
            dribblers.Add(d);
        }
        using var sender = new HttpClient { Timeout = Generous };
        var answer = await sender.SendAsync(Post($"http://127.0.0.1:{intake.Port}/hook/", Notification(1)));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(new[] { 1 }, Written());
        Assert.Equal(0, intake.Refused().GetValueOrDefault(408));
        foreach (var d in dribblers) await d.SendAsync("x"); // still open: a byte more is taken
    }

    [Fact]
    public async Task A_connection_over_the_limit_is_answered_503_at_once_and_the_listener_recovers_when_they_go()
    {
        var intake = Start(new HttpServerLimits { MaxConnections = 5 });
        var idle = new List<RawConnection>();
        for (var i = 0; i < 5; i++) idle.Add(await Connect(intake));
        // The server counts a connection once it accepted it: wait for all five (a count, not a time).
        while (intake.OpenConnections < 5) await Task.Delay(10);

        var extra = await Connect(intake);
        Assert.Equal(503, (await extra.ReadAnswerAsync(Generous))?.Status);

        foreach (var c in idle) c.Dispose();
        while (intake.OpenConnections > 0) await Task.Delay(10);
        using var sender = new HttpClient { Timeout = Generous };
        Assert.Equal(HttpStatusCode.OK, (await sender.SendAsync(Post($"http://127.0.0.1:{intake.Port}/hook/", Notification(1)))).StatusCode);
    }

    [Fact]
    public async Task Bodies_in_memory_are_bounded_in_bytes_charged_as_they_arrive_not_as_declared()
    {
        var intake = Start(new HttpServerLimits { MaxBodyBytesInMemory = 1024 * 1024 });
        // Fifty callers declare a full megabyte with a signature header and send 10 bytes: they hold a 16 KiB chunk each, not 50 MiB.
        for (var i = 0; i < 50; i++)
        {
            var d = await Connect(intake);
            await d.SendAsync($"POST /hook/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1048576\r\nX-Hub-Signature-256: {Sign("x")}\r\n\r\n0123456789");
        }
        using var sender = new HttpClient { Timeout = Generous };
        Assert.Equal(HttpStatusCode.OK, (await sender.SendAsync(Post($"http://127.0.0.1:{intake.Port}/hook/", Notification(1)))).StatusCode);

        // One that sends more than the memory left is refused with 503 before it is read whole.
        var big = await Connect(intake);
        await big.SendAsync($"POST /hook/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 400000\r\nX-Hub-Signature-256: {Sign("x")}\r\n\r\n" + new string('a', 400000));
        Assert.Equal(503, (await big.ReadAnswerAsync(Generous))?.Status);
        Assert.Equal(new[] { 1 }, Written());
    }

    [Fact]
    public async Task A_caller_still_sending_a_body_refused_before_it_was_read_gets_the_answer_not_a_reset()
    {
        var intake = Start();
        using var sender = new HttpClient { Timeout = Generous };
        var huge = new string('a', WebhookNotification.MaxBodyBytes + 1);
        var tooLarge = await sender.SendAsync(Post($"http://127.0.0.1:{intake.Port}/hook/", huge));
        var unsigned = await sender.SendAsync(Post($"http://127.0.0.1:{intake.Port}/hook/", new string('a', 900_000), secret: null));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }

    [Fact]
    public async Task An_http_1_0_request_is_answered_and_its_connection_closed()
    {
        var intake = Start();
        var c = await Connect(intake);
        var body = Notification(4);
        await c.SendAsync($"POST /hook/ HTTP/1.0\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nX-Hub-Signature-256: {Sign(body)}\r\n\r\n{body}");

        Assert.Equal(200, (await c.ReadAnswerAsync(Generous))?.Status);
        Assert.True(await c.ClosedAsync(Generous));
    }

    [Fact]
    public async Task An_https_prefix_is_served_with_the_given_certificate()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(created.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
        var prefix = FreePrefix().Replace("http://", "https://");
        var intake = new WebhookIntake(ListenPrefix.Parse(prefix), Secure(Secret), null, null, certificate);
        intake.Start();
        _disposables.Add(intake);
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Thumbprint == certificate.Thumbprint }) { Timeout = Generous };

        var answer = http.SendAsync(Post(prefix, Notification(1)));
        var item = intake.Take((int)Generous.TotalMilliseconds, CancellationToken.None);
        var n = Assert.IsType<IntakeNotification>(item);
        intake.Complete(n, n.Events.Count);
        Assert.Equal(HttpStatusCode.OK, (await answer).StatusCode);
        Assert.Equal(new[] { 1 }, n.Events.Select(Number));
    }

    [Theory]
    [InlineData("http://+:8080/hook/", "::", 8080, null, "/hook")]
    [InlineData("http://*:8080/a/b/", "::", 8080, null, "/a/b")]
    [InlineData("http://localhost:81/hook/", "127.0.0.1", 81, null, "/hook")]
    [InlineData("http://127.0.0.1/", "127.0.0.1", 80, null, "")]
    [InlineData("https://[::1]:8443/hook/", "::1", 8443, null, "/hook")]
    [InlineData("http://hooks.example.com:8080/hook/", "::", 8080, "hooks.example.com", "/hook")]
    public void A_prefix_says_what_to_bind_and_serve(string prefix, string address, int port, string? host, string path)
    {
        var p = ListenPrefix.Parse(prefix);
        Assert.Equal(IPAddress.Parse(address), p.Address);
        Assert.Equal(port, p.Port);
        Assert.Equal(host, p.HostName);
        Assert.Equal(path, p.Path);
    }

    [Theory]
    [InlineData("127.0.0.1:8080/hook/", "http:// or https://")]
    [InlineData("ftp://127.0.0.1/hook/", "http:// or https://")]
    [InlineData("http://127.0.0.1:8080/hook", "ends with '/'")]
    [InlineData("http://127.0.0.1:99999/hook/", "port")]
    [InlineData("http://user:pw@127.0.0.1:8080/hook/", "user name")]
    public void A_bad_prefix_is_refused_saying_what_to_give(string prefix, string says) =>
        Assert.Contains(says, Assert.Throws<ArgumentException>(() => ListenPrefix.Parse(prefix)).Message);
}
