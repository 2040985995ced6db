using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WhatsappPhone.Emulator.Tests;

/// <summary>Injected faults: what a client sees when Graph or a proxy in front of it misbehaves.</summary>
public sealed class FaultTests : EmulatorTest
{
    private static readonly string List = $"v25.0/{Seeded.RichWaba}/phone_numbers";

    [Fact]
    public async Task A_graph_fault_answers_the_envelope_with_retry_hints_for_count_requests_after_skipping_some()
    {
        await AddFaultAsync(new
        {
            pathContains = "/phone_numbers",
            kind = "graph",
            status = 503,
            code = 2,
            isTransient = true,
            retryAfterSeconds = 7,
            regainMinutes = 12,
            count = 2,
            afterCount = 1,
        });

        var skipped = await GetAsync(List);
        var first = await GetAsync(List);
        var second = await GetAsync(List);
        var after = await GetAsync(List);

        Assert.Equal(200, (int)skipped.Status);
        foreach (var faulted in new[] { first, second })
        {
            var error = AssertGraphError(faulted, 503, 2);
            Assert.True((bool)error["is_transient"]!);
            Assert.Equal("7", faulted.Header("Retry-After"));
            var usage = JsonNode.Parse(faulted.Header("X-Business-Use-Case-Usage")!)![Seeded.RichWaba]![0]!;
            Assert.Equal(12, (int)usage["estimated_time_to_regain_access"]!);
        }
        Assert.Equal(200, (int)after.Status);
    }

    [Fact]
    public async Task A_regain_on_the_clock_refuses_until_the_regain_time_and_counts_down_as_the_clock_moves()
    {
        await AddFaultAsync(new { pathContains = "/phone_numbers", code = 80008, status = 400, regainMinutes = 2, regainOnClock = true, afterCount = 1 });

        var skipped = await GetAsync(List);
        var first = await GetAsync(List);
        await ControlAsync(HttpMethod.Post, "clock", new { advanceHours = 110.0 / 3600 });
        var later = await GetAsync(List);
        await ControlAsync(HttpMethod.Post, "clock", new { advanceHours = 10.0 / 3600 });
        var regained = await GetAsync(List);

        Assert.Equal(200, (int)skipped.Status);
        AssertGraphError(first, 400, 80008);
        Assert.Equal(2, Regain(first));
        Assert.InRange(int.Parse(first.Header("Retry-After")!), 119, 120);
        AssertGraphError(later, 400, 80008);
        Assert.Equal(1, Regain(later));
        Assert.InRange(int.Parse(later.Header("Retry-After")!), 9, 10);
        Assert.Equal(200, (int)regained.Status);
        Assert.Null(regained.Header("Retry-After"));

        static int Regain(Answer a) => (int)JsonNode.Parse(a.Header("X-Business-Use-Case-Usage")!)![Seeded.RichWaba]![0]!["estimated_time_to_regain_access"]!;
    }

    [Fact]
    public async Task A_fault_only_hits_requests_with_its_method_and_path()
    {
        await AddFaultAsync(new { method = "POST", pathContains = "/register", code = 131016, status = 500 });

        Assert.Equal(200, (int)(await GetAsync(List)).Status);
        var error = AssertGraphError(await RegisterAsync(Seeded.ReadyWithPin, Seeded.ReadyPin), 500, 131016);
        Assert.Equal(200, (int)(await RegisterAsync(Seeded.ReadyWithPin, Seeded.ReadyPin)).Status);
        Assert.StartsWith("(#131016)", (string?)error["message"]);
    }

    [Fact]
    public async Task An_html_fault_answers_a_proxy_page()
    {
        await AddFaultAsync(new { kind = "html" });

        var answer = await GetAsync(List);

        Assert.Equal(502, (int)answer.Status);
        Assert.StartsWith("text/html", answer.Header("Content-Type"));
        Assert.Equal("<html><body><h1>502 Bad Gateway</h1></body></html>", answer.Body);
    }

    [Fact]
    public async Task An_empty_fault_answers_a_status_without_a_body()
    {
        await AddFaultAsync(new { kind = "empty", status = 504 });

        var answer = await GetAsync(List);

        Assert.Equal(504, (int)answer.Status);
        Assert.Equal("", answer.Body);
    }

    [Fact]
    public async Task A_truncated_fault_sends_half_the_real_body_with_an_honest_content_length()
    {
        var whole = await GetAsync(List);
        await AddFaultAsync(new { kind = "truncated" });

        var cut = await GetAsync(List);

        Assert.Equal(200, (int)cut.Status);
        var bytes = Encoding.UTF8.GetByteCount(cut.Body);
        Assert.Equal(Encoding.UTF8.GetByteCount(whole.Body) / 2, bytes);
        Assert.Equal(bytes, cut.Response.Content.Headers.ContentLength);
        Assert.StartsWith(cut.Body, whole.Body);
        Assert.ThrowsAny<JsonException>(() => JsonNode.Parse(cut.Body));
    }

    [Fact]
    public async Task A_drop_fault_aborts_the_connection_and_is_logged_with_status_0()
    {
        await AddFaultAsync(new { kind = "drop" });

        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(List));

        Assert.Equal(200, (int)(await GetAsync(List)).Status);
        var dropped = (await RequestLogAsync())[0]!;
        Assert.Equal(0, (int)dropped["status"]!);
        Assert.Equal("drop", (string?)dropped["fault"]);
    }

    [Fact]
    public async Task A_delay_fault_answers_normally_after_the_delay()
    {
        await AddFaultAsync(new { kind = "delay", delayMs = 400 });
        var clock = Stopwatch.StartNew();

        var answer = await GetAsync(List);

        Assert.True(clock.ElapsedMilliseconds >= 380, $"answered after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(200, (int)answer.Status);
    }

    [Fact]
    public async Task Faults_can_be_listed_and_cleared_and_bad_ones_are_refused()
    {
        await AddFaultAsync(new { kind = "graph", count = 3 });
        Assert.Equal(3, (int)(await ControlAsync(HttpMethod.Get, "faults"))[0]!["remaining"]!);

        await ControlAsync(HttpMethod.Delete, "faults");

        Assert.Empty((JsonArray)await ControlAsync(HttpMethod.Get, "faults"));
        Assert.Equal(200, (int)(await GetAsync(List)).Status);
        Assert.Equal(400, (int)(await ControlRawAsync(HttpMethod.Post, "faults", new { kind = "meltdown" })).Status);
        Assert.Equal(400, (int)(await ControlRawAsync(HttpMethod.Post, "faults", new { kind = "delay" })).Status);
        Assert.Equal(400, (int)(await ControlRawAsync(HttpMethod.Post, "faults", new { count = 0 })).Status);
    }
}
