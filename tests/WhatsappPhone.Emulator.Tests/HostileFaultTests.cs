using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace WhatsappPhone.Emulator.Tests;

/// <summary>Faults of a hostile or broken server: looping cursors, dribbled, huge and compressed bodies, usage headers.</summary>
public sealed class HostileFaultTests : EmulatorTest
{
    private static readonly string List = $"v25.0/{Seeded.RichWaba}/phone_numbers?limit=2";

    [Fact]
    public async Task A_loop_fault_answers_a_next_link_to_the_very_page_just_read()
    {
        await AddFaultAsync(new { kind = "loop", pathContains = "/phone_numbers", count = 5 });

        var first = await GetAsync(List);
        var again = await GetAsync((string)first.Json["paging"]!["next"]!);

        Assert.Equal(new Uri(Emulator.BaseUri, List), new Uri((string)first.Json["paging"]!["next"]!));
        Assert.Equal(first.Json["data"]!.ToJsonString(), again.Json["data"]!.ToJsonString());
        Assert.Equal((string)first.Json["paging"]!["next"]!, (string)again.Json["paging"]!["next"]!);
    }

    [Fact]
    public async Task A_loop_fault_to_the_first_page_makes_two_pages_alternate()
    {
        await AddFaultAsync(new { kind = "loop", loopTo = "first", pathContains = "/phone_numbers", afterCount = 1, count = 5 });

        var first = await GetAsync(List);
        var second = await GetAsync((string)first.Json["paging"]!["next"]!);
        var back = await GetAsync((string)second.Json["paging"]!["next"]!);

        Assert.NotEqual(first.Json["data"]![0]!["id"]!.ToString(), second.Json["data"]![0]!["id"]!.ToString());
        Assert.Equal(first.Json["data"]!.ToJsonString(), back.Json["data"]!.ToJsonString());
        Assert.Equal((string)first.Json["paging"]!["next"]!, (string)back.Json["paging"]!["next"]!);
    }

    [Fact]
    public async Task A_slow_fault_sends_the_headers_at_once_and_dribbles_the_body()
    {
        var whole = await GetAsync(List);
        await AddFaultAsync(new { kind = "slow", delayMs = 50, chunkBytes = 100 });
        var clock = Stopwatch.StartNew();

        using var response = await Http.GetAsync(List, HttpCompletionOption.ResponseHeadersRead);
        var headersAfter = clock.ElapsedMilliseconds;
        var body = await response.Content.ReadAsStringAsync();

        var chunks = (Encoding.UTF8.GetByteCount(whole.Body) + 99) / 100;
        Assert.True(headersAfter < 1000, $"headers after {headersAfter} ms");
        Assert.True(clock.ElapsedMilliseconds >= (chunks - 1) * 50 * 0.9, $"{chunks} chunks in {clock.ElapsedMilliseconds} ms");
        Assert.Equal(whole.Body, body);
    }

    [Fact]
    public async Task A_huge_fault_answers_a_valid_page_of_exactly_the_given_size_with_far_more_items_than_asked()
    {
        await AddFaultAsync(new { kind = "huge", sizeBytes = 3_000_000 });

        var answer = await GetAsync(List);

        Assert.Equal(200, (int)answer.Status);
        Assert.Equal(3_000_000, answer.Response.Content.Headers.ContentLength);
        Assert.Equal(3_000_000, Encoding.UTF8.GetByteCount(answer.Body));
        Assert.True(answer.Json["data"]!.AsArray().Count > 1000);
    }

    [Fact]
    public async Task A_gzip_bomb_fault_answers_a_small_gzip_body_that_expands_to_the_given_size()
    {
        await AddFaultAsync(new { kind = "gzipBomb", sizeBytes = 50_000_000 });
        using var raw = new HttpClient { BaseAddress = Emulator.BaseUri };
        raw.DefaultRequestHeaders.Authorization = Http.DefaultRequestHeaders.Authorization;

        using var response = await raw.GetAsync(List);
        var compressed = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.True(compressed.Length < 500_000, $"{compressed.Length} bytes compressed");
        using var expanded = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress)) await gzip.CopyToAsync(expanded);
        Assert.Equal(50_000_000, expanded.Length);
        Assert.NotNull(JsonNode.Parse(expanded.ToArray())!["data"]);
    }

    [Fact]
    public async Task A_usage_fault_sets_both_usage_headers_to_the_given_values()
    {
        await AddFaultAsync(new { kind = "usage", appUsagePercent = 100, businessUsagePercent = 95, regainMinutes = 3 });

        var answer = await GetAsync(List);

        Assert.Equal(200, (int)answer.Status);
        var app = JsonNode.Parse(answer.Header("X-App-Usage")!)!;
        Assert.Equal(100, (int)app["call_count"]!);
        Assert.Equal(100, (int)app["total_time"]!);
        var waba = JsonNode.Parse(answer.Header("X-Business-Use-Case-Usage")!)![Seeded.RichWaba]![0]!;
        Assert.Equal(95, (int)waba["call_count"]!);
        Assert.Equal(3, (int)waba["estimated_time_to_regain_access"]!);
    }

    [Fact]
    public async Task Bad_hostile_faults_are_refused()
    {
        Assert.Equal(400, (int)(await ControlRawAsync(HttpMethod.Post, "faults", new { kind = "slow" })).Status);
        Assert.Equal(400, (int)(await ControlRawAsync(HttpMethod.Post, "faults", new { kind = "huge" })).Status);
        Assert.Equal(400, (int)(await ControlRawAsync(HttpMethod.Post, "faults", new { kind = "gzipBomb", sizeBytes = 5_000_000_000L })).Status);
        Assert.Equal(400, (int)(await ControlRawAsync(HttpMethod.Post, "faults", new { kind = "loop", loopTo = "elsewhere" })).Status);
        Assert.Equal(400, (int)(await ControlRawAsync(HttpMethod.Post, "faults", new { kind = "usage", appUsagePercent = -1 })).Status);
    }

    [Fact]
    public async Task The_request_log_shows_the_shape_of_pins_and_codes_but_never_their_value()
    {
        await RegisterAsync(Seeded.ReadyWithPin, Seeded.ReadyPin);
        await PostJsonAsync($"v25.0/{Seeded.Unverified}/verify_code", new { code = "012345" });
        await PostJsonAsync($"v25.0/{Seeded.ReadyWithoutPin}", new { pin = "024680" });
        await GetAsync($"v25.0/{Seeded.Connected}?fields=status&access_token=EAAGquerysecret");
        await PostJsonAsync($"v25.0/{Seeded.Connected}", new { webhook_configuration = new { override_callback_uri = "https://example.test/hook", verify_token = "vt-secret-1" } });

        var log = (await RequestLogAsync()).Select(e => (string?)e!["body"] ?? "").ToArray();

        Assert.DoesNotContain(log, b => b.Contains(Seeded.ReadyPin) || b.Contains("012345") || b.Contains("024680") || b.Contains("vt-secret-1"));
        Assert.DoesNotContain("EAAGquerysecret", (await RequestLogAsync()).ToJsonString());
        Assert.Contains("pin=******", log[0]);
        Assert.Equal("******", (string?)JsonNode.Parse(log[1])!["code"]);
        Assert.Equal("******", (string?)JsonNode.Parse(log[2])!["pin"]);
    }
}
