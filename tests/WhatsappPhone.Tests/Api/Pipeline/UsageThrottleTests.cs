using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Api.Pipeline;
using WhatsappPhone.Models;
using Xunit;
using Xunit.Abstractions;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests;

/// <summary>Pacing follows the usage Graph reports now: it slows requests near a limit, and stops as soon as Graph stops saying so. All on a test clock.</summary>
public class UsageThrottleTests
{
    private const string NumberJson = "{\"id\":\"107878721936019\",\"status\":\"CONNECTED\"}";
    private const string PageJson = "{\"data\":[]}";
    private const string Waba = "114503234599312";

    private readonly ITestOutputHelper _output;
    public UsageThrottleTests(ITestOutputHelper output) => _output = output;

    private static string AccountUsage(string account, int percent, int regainMinutes = 0) =>
        $"{{\"{account}\":[{{\"type\":\"whatsapp_business_management\",\"call_count\":{percent},\"total_cputime\":1,\"total_time\":1,\"estimated_time_to_regain_access\":{regainMinutes}}}]}}";

    private static HttpResponseMessage WithAppUsage(string body, int percent)
    {
        var r = Json(HttpStatusCode.OK, body);
        r.Headers.Add("X-App-Usage", $"{{\"call_count\":{percent},\"total_cputime\":1,\"total_time\":1}}");
        return r;
    }

    private static HttpResponseMessage WithAccountUsage(string body, string account, int percent)
    {
        var r = Json(HttpStatusCode.OK, body);
        r.Headers.Add("X-Business-Use-Case-Usage", AccountUsage(account, percent));
        return r;
    }

    private static Task Get(GraphClient client, string id = "1", CancellationToken cancellationToken = default) =>
        client.GetPhoneNumberAsync(id, new[] { "id" }, null, cancellationToken);

    [Fact]
    public async Task Above_90_percent_usage_the_client_slows_down_before_the_next_request()
    {
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ => WithAppUsage(NumberJson, 95));
        var log = new ListLog();
        var clock = new TestClock();
        var client = Client(mock, log: log, clock: clock);
        await Get(client);
        Assert.Empty(log.VerboseLines);
        await Get(client);
        Assert.Contains("95% of the rate limit", Assert.Single(log.VerboseLines));
        Assert.Equal(new[] { TimeSpan.FromSeconds(2.7) }, clock.Waits);
    }

    [Fact]
    public async Task Near_the_limit_concurrent_requests_are_paced_one_after_another_not_all_at_once()
    {
        // 90% reported: 0.45 s between requests (4.95 s at 100%). Four at once must take turns, not all go after one
        // pause (which would let -ThrottleLimit multiply the rate towards the limit).
        var sent = 0;
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ =>
        {
            Interlocked.Increment(ref sent);
            return WithAppUsage(NumberJson, 90);
        });
        var clock = new TestClock();
        var client = Client(mock, clock: clock);
        await Get(client);

        clock.Held = true;
        var gets = Enumerable.Range(2, 4).Select(i => Get(client, i.ToString())).ToList();
        for (var turn = 0; turn < 4; turn++)
        {
            // A turn ends when its pause does, before its request is sent: the next request may take its pause
            // while the previous one is still on the wire. So wait for both, then check that no other was sent.
            await Until(() => gets.Count(g => g.IsCompleted) == turn && clock.Pending == 1,
                () => $"turn {turn}: {gets.Count(g => g.IsCompleted)} done, {clock.Pending} pausing, {Volatile.Read(ref sent)} sent");
            Assert.Equal(1 + turn, Volatile.Read(ref sent));
            clock.Advance(TimeSpan.FromSeconds(0.45));
        }
        await Task.WhenAll(gets);
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromSeconds(0.45), 4), clock.Waits);
    }

    [Fact]
    public async Task An_account_near_its_limit_slows_its_own_requests_not_another_accounts()
    {
        // Account 111 is at 95%, account 222 at 3%: each answer reports the account it was about.
        var mock = new MockHttpMessageHandler();
        mock.When("https://graph.facebook.com/v25.0/111/phone_numbers*").Respond(_ => WithAccountUsage(PageJson, "111", 95));
        mock.When("https://graph.facebook.com/v25.0/222/phone_numbers*").Respond(_ => WithAccountUsage(PageJson, "222", 3));
        mock.When("https://graph.facebook.com/v25.0/900").Respond(_ => WithAccountUsage(NumberJson, "111", 95));
        mock.When("https://graph.facebook.com/v25.0/901").Respond(_ => WithAccountUsage(NumberJson, "222", 3));
        var log = new ListLog();
        var client = Client(mock, log: log);
        Task List(string account) => client.GetPhoneNumberPageAsync(client.PhoneNumbersUri(account, new[] { "id" }, 100), account, null, CancellationToken.None);

        await List("111");
        await List("222");       // another account, not seen yet: not slowed by 111
        Assert.Empty(log.VerboseLines);
        await Get(client, "901");   // a number not seen yet: the busiest account governs it, to be safe
        Assert.Single(log.VerboseLines);
        await Get(client, "901");   // now known to be 222's (from its answer): not slowed
        await List("222");
        Assert.Single(log.VerboseLines);

        await List("111");       // 111 itself: slowed
        Assert.Contains("95% of the rate limit used for WhatsApp Business Account 111", log.VerboseLines[1]);
        await Get(client, "900");
        await Get(client, "900");   // known to be 111's: slowed
        Assert.Equal(4, log.VerboseLines.Count);
    }

    [Fact]
    public async Task Sustained_high_usage_that_graph_keeps_reporting_slows_every_request()
    {
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ => WithAccountUsage(PageJson, Waba, 100));
        var clock = new TestClock();
        var client = Client(mock, clock: clock);
        for (var i = 0; i < 10; i++)
            await client.GetPhoneNumberPageAsync(client.PhoneNumbersUri(Waba, new[] { "id" }, 100), Waba, null, CancellationToken.None);
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromSeconds(4.95), 9), clock.Waits);
    }

    [Fact]
    public async Task A_reading_the_next_answer_does_not_repeat_stops_governing()
    {
        var n = 0;
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ => Interlocked.Increment(ref n) == 1 ? WithAppUsage(NumberJson, 100) : Json(HttpStatusCode.OK, NumberJson));
        var clock = new TestClock();
        var client = Client(mock, clock: clock);
        for (var i = 0; i < 5; i++) await Get(client);
        Assert.Equal(new[] { TimeSpan.FromSeconds(4.95) }, clock.Waits);
    }

    [Fact]
    public async Task A_lower_reading_replaces_a_higher_one_at_once()
    {
        var n = 0;
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ => WithAppUsage(NumberJson, Interlocked.Increment(ref n) == 1 ? 100 : 40));
        var clock = new TestClock();
        var client = Client(mock, clock: clock);
        for (var i = 0; i < 5; i++) await Get(client);
        Assert.Equal(new[] { TimeSpan.FromSeconds(4.95) }, clock.Waits);
    }

    [Fact]
    public async Task A_reading_lapses_when_no_answer_repeated_it_for_ten_seconds()
    {
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ => WithAppUsage(NumberJson, 95));
        var clock = new TestClock();
        var client = Client(mock, clock: clock);
        await Get(client);
        clock.Pass(UsageThrottle.ReadingLifetime + TimeSpan.FromSeconds(1));
        await Get(client);
        Assert.Empty(clock.Waits);
    }

    [Fact]
    public async Task Cancelled_waiters_give_up_their_turns_so_a_later_request_waits_one_interval_not_the_whole_queue()
    {
        // X-App-Usage at 100%: 32 requests of a fan-out queue for 4.95 s turns (158 s in all); the fan-out
        // is stopped. A single GET afterwards waits one turn, not what the cancelled ones had queued.
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ => WithAppUsage(NumberJson, 100));
        var clock = new TestClock();
        var client = Client(mock, clock: clock);
        await Get(client);

        clock.Held = true;
        using (var stop = new CancellationTokenSource())
        {
            var fanOut = Enumerable.Range(0, 32).Select(i => Get(client, (100 + i).ToString(), stop.Token)).ToList();
            await Until(() => clock.Pending == 1);
            stop.Cancel();
            foreach (var request in fanOut) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        }
        Assert.Equal(0, clock.Pending);

        var single = Get(client, "7");
        await Until(() => clock.Pending == 1);
        Assert.Equal(TimeSpan.FromSeconds(4.95), clock.Waits.Last());
        clock.Advance(TimeSpan.FromSeconds(5));
        await single;
    }

    [Fact]
    public async Task Listing_1000_numbers_through_six_transient_faults_loses_nothing_and_waits_little()
    {
        // Ten pages of 100. Six faults on the way, one an 80008 whose answer reports the account at
        // 100% (estimated_time_to_regain_access 0); no later answer carries usage. Graph asked for no
        // wait beyond the retry: the listing must not keep slowing itself down afterwards.
        const string B = "https://graph.facebook.com/v25.0/" + Waba + "/phone_numbers";
        var faults = new Dictionary<int, Func<HttpResponseMessage>>
        {
            [2] = () => new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("<html>500</html>", System.Text.Encoding.UTF8, "text/html") },
            [3] = () =>
            {
                var r = Json(HttpStatusCode.BadRequest, "{\"error\":{\"message\":\"(#80008) There have been too many calls to this WhatsApp Business account.\",\"type\":\"OAuthException\",\"code\":80008,\"fbtrace_id\":\"A1\"}}");
                r.Headers.Add("X-Business-Use-Case-Usage", AccountUsage(Waba, 100, 0));
                return r;
            },
            [4] = () => Json(HttpStatusCode.OK, "{\"data\":[{\"id\":\"1"),
            [5] = () => Json(HttpStatusCode.ServiceUnavailable, "{\"error\":{\"message\":\"Service temporarily unavailable\",\"code\":2,\"is_transient\":true}}"),
            [7] = () => throw new HttpRequestException("The response ended prematurely.", new System.IO.IOException("reset")),
            [9] = () => Json(HttpStatusCode.InternalServerError, "{\"error\":{\"message\":\"Something went wrong\",\"code\":131000}}"),
        };
        var faulted = new HashSet<int>();
        var requests = 0;
        var http = new HttpClient(new FuncHandler(req =>
        {
            Interlocked.Increment(ref requests);
            var page = req.RequestUri!.Query.Contains("after=p") ? int.Parse(req.RequestUri.Query.Split("after=p")[1].Split('&')[0]) : 1;
            if (faults.TryGetValue(page, out var fault) && faulted.Add(page)) return Task.FromResult(fault());
            var ids = Enumerable.Range((page - 1) * 100 + 1, 100).Select(i => $"{{\"id\":\"{1000000 + i}\",\"status\":\"CONNECTED\"}}");
            var next = page < 10 ? $",\"paging\":{{\"cursors\":{{\"after\":\"p{page + 1}\"}},\"next\":\"{B}?limit=100&after=p{page + 1}\"}}" : "";
            return Task.FromResult(Json(HttpStatusCode.OK, "{\"data\":[" + string.Join(",", ids) + "]" + next + "}"));
        }));
        var clock = new TestClock();
        var client = Client(http, clock: clock);

        var wall = System.Diagnostics.Stopwatch.StartNew();
        var numbers = new List<PhoneNumber>();
        var pages = new PageIterator<PhoneNumber>(client.PhoneNumbersUri(Waba, new[] { "id", "status" }, 100),
            (uri, ct) => client.GetPhoneNumberPageAsync(uri, Waba, null, ct), n => n.Id);
        while (await pages.NextAsync(CancellationToken.None) is { } page) numbers.AddRange(page.Items);
        var total = wall.Elapsed + clock.TotalWaited;
        _output.WriteLine($"1,000 numbers through six faults: {requests} requests, {clock.TotalWaited.TotalSeconds:0.0} s waited ({string.Join(", ", clock.Waits.Select(w => w.TotalSeconds.ToString("0.00")))}), {total.TotalSeconds:0.0} s in all.");

        Assert.Equal(Enumerable.Range(1000001, 1000).Select(i => i.ToString()), numbers.Select(n => n.Id));
        Assert.Equal(16, requests);
        // What the module chose to wait, on the test clock: the real time of 16 answers is the machine's, not the module's.
        Assert.True(clock.TotalWaited < TimeSpan.FromSeconds(10), $"The listing waited {clock.TotalWaited.TotalSeconds:0.0} s.");
        // One pause for the 80008's reading (its retry), none for the pages after it.
        Assert.Single(clock.Waits, w => w == TimeSpan.FromSeconds(4.95));
    }

    [Theory]
    [InlineData("{\"call_count\":95,\"total_cputime\":10,\"total_time\":12}", 95)]
    [InlineData("{\"114503234599312\":[{\"type\":\"whatsapp_business_management\",\"call_count\":3,\"total_cputime\":97,\"total_time\":1,\"estimated_time_to_regain_access\":0}]}", 97)]
    [InlineData("not json", 0)]
    public void Usage_headers_of_either_shape_give_their_highest_percentage(string header, int expected) =>
        Assert.Equal(expected, UsageHeaders.MaxPercent(header));

    /// <summary>Polls for what the code under test does on other threads; the deadline only stops a broken test from hanging.</summary>
    private static async Task Until(Func<bool> condition, Func<string>? state = null)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(1);
        Assert.True(condition(), state?.Invoke());
    }
}
