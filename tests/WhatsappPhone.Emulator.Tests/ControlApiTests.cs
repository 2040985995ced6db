using System.Diagnostics;
using System.Text.Json.Nodes;

namespace WhatsappPhone.Emulator.Tests;

public sealed class ControlApiTests : EmulatorTest
{
    [Fact]
    public async Task Reset_restores_the_seed_and_clears_faults_the_log_and_the_clock()
    {
        await RegisterAsync(Seeded.ReadyWithPin, Seeded.ReadyPin);
        await AddFaultAsync(new { pathContains = "/nothing-matches-this" });
        await ControlAsync(HttpMethod.Post, "clock", new { advanceHours = 500 });
        await ControlAsync(HttpMethod.Post, "latency", new { ms = 50 });

        await ControlAsync(HttpMethod.Post, "reset");

        Assert.Empty((JsonArray)await ControlAsync(HttpMethod.Get, "faults"));
        Assert.Empty(await RequestLogAsync());
        var now = (DateTimeOffset)(await ControlAsync(HttpMethod.Get, "clock"))["now"]!;
        Assert.True(now - DateTimeOffset.UtcNow < TimeSpan.FromMinutes(1));
        Assert.Equal(0, (int)(await ControlAsync(HttpMethod.Get, "state"))["latency_ms"]!);
        Assert.Equal("DISCONNECTED", await FieldAsync(Seeded.ReadyWithPin, "status"));
    }

    [Fact]
    public async Task The_state_dump_shows_whether_a_pin_is_set_but_never_the_pin()
    {
        var answer = await ControlRawAsync(HttpMethod.Get, "state");

        Assert.DoesNotContain(Seeded.ConnectedPin, answer.Body);
        Assert.DoesNotContain("\"pin\"", answer.Body);
        var numbers = answer.Json["numbers"]!.AsArray();
        Assert.Equal(15, numbers.Count);
        var connected = numbers.Single(n => (string?)n!["id"] == Seeded.Connected)!;
        Assert.True((bool)connected["is_pin_enabled"]!);
        Assert.Equal(Seeded.RichWaba, (string?)connected["waba_id"]);
        Assert.Equal(2, answer.Json["wabas"]!.AsArray().Count);
        Assert.Equal(Seeded.Business, (string?)answer.Json["businesses"]![0]!["id"]);
    }

    [Fact]
    public async Task Every_status_quality_rating_and_limit_tier_is_seeded()
    {
        var numbers = (await ControlAsync(HttpMethod.Get, "state"))["numbers"]!.AsArray();
        void AllSeeded(string field, params string[] expected) =>
            Assert.Empty(expected.Except(numbers.Select(n => (string?)n![field])));

        AllSeeded("status", "PENDING", "DELETED", "MIGRATED", "BANNED", "RESTRICTED", "RATE_LIMITED", "FLAGGED", "CONNECTED", "DISCONNECTED", "UNKNOWN", "UNVERIFIED");
        AllSeeded("quality_rating", "GREEN", "YELLOW", "RED", "UNKNOWN");
        AllSeeded("messaging_limit_tier", "TIER_50", "TIER_250", "TIER_1K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED");
        AllSeeded("whatsapp_business_manager_messaging_limit", "TIER_250", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED");
    }

    [Fact]
    public async Task The_request_log_holds_graph_calls_in_order_and_can_be_cleared()
    {
        await GetAsync($"v25.0/{Seeded.Connected}?fields=status");
        await ControlAsync(HttpMethod.Get, "state");
        await RegisterAsync(Seeded.ReadyWithPin, "000000");

        var log = await RequestLogAsync();

        Assert.Equal(2, log.Count);
        Assert.Equal("GET", (string?)log[0]!["method"]);
        Assert.Equal($"/v25.0/{Seeded.Connected}", (string?)log[0]!["path"]);
        Assert.Equal("fields=status", (string?)log[0]!["query"]);
        Assert.Equal(200, (int)log[0]!["status"]!);
        Assert.Null(log[0]!["body"]);
        Assert.Equal("messaging_product=whatsapp&pin=******", (string?)log[1]!["body"]);
        Assert.Equal(400, (int)log[1]!["status"]!);
        Assert.NotNull(log[1]!["time"]);
        Assert.DoesNotContain(Emulator.Token, log.ToJsonString());

        await ControlAsync(HttpMethod.Delete, "requests");
        Assert.Empty(await RequestLogAsync());
    }

    [Fact]
    public async Task Latency_is_added_to_every_graph_request()
    {
        await ControlAsync(HttpMethod.Post, "latency", new { ms = 250 });
        var clock = Stopwatch.StartNew();

        await GetAsync($"v25.0/{Seeded.Connected}");

        Assert.True(clock.ElapsedMilliseconds >= 240, $"answered after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Unknown_control_routes_and_numbers_answer_404()
    {
        Assert.Equal(404, (int)(await ControlRawAsync(HttpMethod.Get, "nope")).Status);
        Assert.Equal(404, (int)(await ControlRawAsync(HttpMethod.Get, "numbers/123123/code")).Status);
        Assert.Equal(400, (int)(await ControlRawAsync(HttpMethod.Post, "clock", new { advanceHours = -1 })).Status);
    }
}
