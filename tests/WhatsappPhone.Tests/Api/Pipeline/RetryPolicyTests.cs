using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Pipeline;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests;

/// <summary>Transient faults are ridden out on GETs; register and deregister are never repeated blindly.</summary>
public class RetryPolicyTests
{
    private const string NumberJson = "{\"id\":\"107878721936019\",\"status\":\"CONNECTED\"}";

    private static HttpResponseMessage Html(HttpStatusCode status) =>
        new HttpResponseMessage(status) { Content = new StringContent("<html><body><h1>Bad Gateway</h1></body></html>", System.Text.Encoding.UTF8, "text/html") };

    private static HttpResponseMessage GraphError(int status, int code, bool? transient = null) =>
        Json((HttpStatusCode)status, $"{{\"error\":{{\"message\":\"m\",\"code\":{code}{(transient is bool t ? $",\"is_transient\":{(t ? "true" : "false")}" : "")},\"fbtrace_id\":\"T\"}}}}");

    /// <summary>Answers each request with the next response in turn, counting requests.</summary>
    private static (GraphClient client, Func<int> count) Sequence(params Func<HttpResponseMessage>[] answers) => Sequence(null, null, answers);

    private static (GraphClient client, Func<int> count) Sequence(ListLog? log, params Func<HttpResponseMessage>[] answers) => Sequence(log, null, answers);

    private static (GraphClient client, Func<int> count) Sequence(ListLog? log, TestClock? clock, params Func<HttpResponseMessage>[] answers)
    {
        var mock = new MockHttpMessageHandler();
        var n = 0;
        mock.When("*").Respond(_ => answers[Math.Min(Interlocked.Increment(ref n) - 1, answers.Length - 1)]());
        return (Client(mock, log: log, clock: clock), () => n);
    }

    private static Task<WhatsappPhone.Models.PhoneNumber> Get(GraphClient c) => c.GetPhoneNumberAsync("107878721936019", new[] { "id", "status" }, null, CancellationToken.None);

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(429)]
    public async Task A_get_is_retried_after_a_transient_http_status(int status)
    {
        var (client, count) = Sequence(() => Html((HttpStatusCode)status), () => Json(HttpStatusCode.OK, NumberJson));
        Assert.Equal("CONNECTED", (await Get(client)).Status);
        Assert.Equal(2, count());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(17)]
    [InlineData(32)]
    [InlineData(613)]
    [InlineData(80007)]
    [InlineData(80008)]
    [InlineData(131000)]
    [InlineData(131016)]
    [InlineData(133004)]
    public async Task A_get_is_retried_after_a_transient_graph_code(int code)
    {
        var (client, count) = Sequence(() => GraphError(400, code), () => Json(HttpStatusCode.OK, NumberJson));
        await Get(client);
        Assert.Equal(2, count());
    }

    [Fact]
    public async Task A_get_is_retried_when_graph_says_is_transient()
    {
        var (client, count) = Sequence(() => GraphError(400, 99999, transient: true), () => Json(HttpStatusCode.OK, NumberJson));
        await Get(client);
        Assert.Equal(2, count());
    }

    [Fact]
    public async Task A_get_is_retried_after_a_truncated_body_and_a_dropped_connection()
    {
        var (client, count) = Sequence(
            () => Json(HttpStatusCode.OK, NumberJson.Substring(0, 10)),
            () => throw new HttpRequestException("The response ended prematurely.", new System.IO.IOException("reset")),
            () => Json(HttpStatusCode.OK, NumberJson));
        await Get(client);
        Assert.Equal(3, count());
    }

    [Theory]
    [InlineData(100)]
    [InlineData(190)]
    [InlineData(133010)]
    [InlineData(200)]
    public async Task A_get_is_not_retried_after_a_permanent_error(int code)
    {
        var (client, count) = Sequence(() => GraphError(400, code), () => Json(HttpStatusCode.OK, NumberJson));
        await Assert.ThrowsAsync<GraphApiException>(() => Get(client));
        Assert.Equal(1, count());
    }

    [Fact]
    public async Task A_get_gives_up_after_the_configured_retries()
    {
        var (client, count) = Sequence(() => Html(HttpStatusCode.ServiceUnavailable));
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => Get(client));
        Assert.Equal(Retries.MaxRetries + 1, count());
        Assert.Equal("WaApi.Http503", ex.ErrorId);
    }

    [Fact]
    public async Task Each_retry_says_why_and_how_long_in_the_verbose_log()
    {
        var log = new ListLog();
        var (client, _) = Sequence(log, () => Html(HttpStatusCode.BadGateway), () => GraphError(400, 80008), () => Json(HttpStatusCode.OK, NumberJson));
        await Get(client);
        Assert.Equal(2, log.VerboseLines.Count);
        Assert.Matches(@"^GET /v25.0/107878721936019 failed \(HTTP 502\); retrying in \d+\.\d s \(attempt 2 of 5\)\.$", log.VerboseLines[0]);
        Assert.Contains("Graph error 80008", log.VerboseLines[1]);
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        var log = new ListLog();
        var clock = new TestClock();
        var (client, count) = Sequence(log, clock, () =>
        {
            var r = GraphError(429, 4);
            r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return r;
        }, () => Json(HttpStatusCode.OK, NumberJson));
        await Get(client);
        Assert.Equal(new[] { TimeSpan.FromSeconds(7) }, clock.Waits);
        Assert.Contains("retrying in 7.0 s, as the server asked", log.VerboseLines.Single());
    }

    [Fact]
    public async Task A_regain_time_of_zero_means_now_and_the_usual_backoff_applies()
    {
        var clock = new TestClock();
        var (client, _) = Sequence(null, clock, () =>
        {
            var r = GraphError(400, 80008);
            r.Headers.Add("X-Business-Use-Case-Usage", "{\"1\":[{\"type\":\"whatsapp_business_management\",\"call_count\":10,\"total_cputime\":1,\"total_time\":1,\"estimated_time_to_regain_access\":0}]}");
            return r;
        }, () => Json(HttpStatusCode.OK, NumberJson));
        await Get(client);
        var wait = Assert.Single(clock.Waits);
        Assert.InRange(wait, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task Backoff_doubles_with_jitter_from_the_base_delay()
    {
        var clock = new TestClock();
        var (client, count) = Sequence(null, clock, () => Html(HttpStatusCode.ServiceUnavailable));
        await Assert.ThrowsAsync<GraphApiException>(() => Get(client));
        Assert.Equal(4, clock.Waits.Count);
        for (var i = 0; i < 4; i++)
            Assert.InRange(clock.Waits[i].TotalMilliseconds, 250 * Math.Pow(2, i), 500 * Math.Pow(2, i));
    }

    [Fact]
    public async Task A_regain_time_longer_than_the_retry_budget_fails_at_once_and_says_so()
    {
        var (client, count) = Sequence(() =>
        {
            var r = GraphError(400, 80008);
            r.Headers.Add("X-Business-Use-Case-Usage", "{\"1\":[{\"type\":\"whatsapp_business_management\",\"call_count\":1,\"total_cputime\":1,\"total_time\":1,\"estimated_time_to_regain_access\":15}]}");
            return r;
        });
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => Get(client));
        Assert.Equal(1, count());
        Assert.Contains("asked to wait 900 s", ex.Message);
    }

    [Theory]
    [InlineData(131000)]
    [InlineData(1)]
    [InlineData(80007)]
    [InlineData(133016)]
    public async Task Register_is_attempted_once_on_other_errors(int code)
    {
        var (client, count) = Sequence(() => GraphError(400, code), () => Json(HttpStatusCode.OK, "{\"success\":true}"));
        await Assert.ThrowsAsync<GraphApiException>(() => client.RegisterAsync("1", Secure("123456"), null, CancellationToken.None));
        Assert.Equal(1, count());
    }

    [Fact]
    public async Task Register_is_not_repeated_after_an_html_500_or_a_timeout_since_it_may_have_taken_effect()
    {
        var (client, count) = Sequence(() => Html(HttpStatusCode.InternalServerError), () => Json(HttpStatusCode.OK, "{\"success\":true}"));
        await Assert.ThrowsAsync<GraphApiException>(() => client.RegisterAsync("1", Secure("123456"), null, CancellationToken.None));
        Assert.Equal(1, count());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(131016)]
    [InlineData(133004)]
    public async Task Register_and_deregister_are_repeated_once_on_the_documented_try_again_codes(int code)
    {
        var (client, count) = Sequence(() => GraphError(503, code));
        await Assert.ThrowsAsync<GraphApiException>(() => client.RegisterAsync("1", Secure("123456"), null, CancellationToken.None));
        Assert.Equal(2, count());
        var (client2, count2) = Sequence(() => GraphError(503, code), () => Json(HttpStatusCode.OK, "{\"success\":true}"));
        await client2.DeregisterAsync("1", CancellationToken.None);
        Assert.Equal(2, count2());
    }

    [Fact]
    public async Task Register_is_repeated_once_when_the_connection_was_refused_and_sends_the_same_body()
    {
        var bodies = new System.Collections.Generic.List<string>();
        var n = 0;
        var handler = new FuncHandler(async req =>
        {
            if (Interlocked.Increment(ref n) == 1) throw new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused));
            bodies.Add(await req.Content!.ReadAsStringAsync());
            return Json(HttpStatusCode.OK, "{\"success\":true}");
        });
        var client = Client(new HttpClient(handler));
        await client.RegisterAsync("1", Secure("123456"), null, CancellationToken.None);
        Assert.Equal(2, n);
        Assert.Equal("{\"messaging_product\":\"whatsapp\",\"pin\":\"123456\"}", bodies.Single());
    }

    [Fact]
    public async Task Register_is_not_repeated_when_the_connection_broke_after_it_was_sent()
    {
        var (client, count) = Sequence(() => throw new HttpRequestException("The response ended prematurely.", new System.IO.IOException("reset")));
        await Assert.ThrowsAsync<GraphApiException>(() => client.RegisterAsync("1", Secure("123456"), null, CancellationToken.None));
        Assert.Equal(1, count());
    }

    [Fact]
    public async Task Cancelling_during_a_backoff_stops_at_once()
    {
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ => Html(HttpStatusCode.ServiceUnavailable));
        var clock = new TestClock { Held = true };
        var client = Client(mock, retry: new RetryOptions(5, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(20)), clock: clock);
        using var cts = new CancellationTokenSource();
        var get = client.GetPhoneNumberAsync("1", new[] { "id" }, null, cts.Token);
        while (clock.Pending == 0) await Task.Delay(1);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => get);
        Assert.Equal(0, clock.Pending);
    }
}
