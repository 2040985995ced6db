using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace WhatsappPhone.Emulator.Tests;

public sealed class AuthAndEnvelopeTests : EmulatorTest
{
    [Fact]
    public async Task A_request_without_a_token_is_refused_with_401_code_190_and_a_challenge()
    {
        Http.DefaultRequestHeaders.Authorization = null;

        var answer = await GetAsync($"v25.0/{Seeded.Connected}");

        var error = AssertGraphError(answer, 401, 190);
        Assert.Equal("OAuthException", (string?)error["type"]);
        Assert.Equal($"OAuth \"Facebook Platform\" \"invalid_token\" \"{error["message"]}\"", answer.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_request_with_a_wrong_token_is_refused_with_401_code_190_and_a_challenge()
    {
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");

        var answer = await GetAsync($"v25.0/{Seeded.Connected}");

        var error = AssertGraphError(answer, 401, 190);
        Assert.Equal("Invalid OAuth access token - Cannot parse access token", (string?)error["message"]);
        Assert.StartsWith("OAuth \"Facebook Platform\" \"invalid_token\"", answer.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task The_token_is_also_accepted_as_the_access_token_query_parameter()
    {
        Http.DefaultRequestHeaders.Authorization = null;

        var answer = await GetAsync($"v25.0/{Seeded.Connected}?fields=status&access_token={Emulator.Token}");

        Assert.Equal("CONNECTED", (string?)answer.Json["status"]);
    }

    [Theory]
    [InlineData("/107878721936019")]
    [InlineData("/v19/107878721936019")]
    [InlineData("/19.0/107878721936019")]
    [InlineData("/")]
    public async Task A_path_without_a_version_is_refused_with_code_2500(string path)
    {
        var error = AssertGraphError(await GetAsync(path), 400, 2500);

        Assert.StartsWith("Unknown path components", (string?)error["message"]);
    }

    [Fact]
    public async Task An_unknown_edge_of_a_known_node_is_code_2500_and_an_unsupported_method_is_subcode_33()
    {
        var edge = AssertGraphError(await GetAsync($"v25.0/{Seeded.Connected}/conversations"), 400, 2500);
        var method = AssertGraphError(await SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"v25.0/{Seeded.Connected}")), 400, 100, 33);

        Assert.Equal("Unknown path components: /conversations", (string?)edge["message"]);
        Assert.StartsWith($"Unsupported delete request. Object with ID '{Seeded.Connected}'", (string?)method["message"]);
    }

    [Fact]
    public async Task Success_and_error_responses_carry_the_trace_version_and_usage_headers()
    {
        var success = await GetAsync($"v21.0/{Seeded.Connected}");
        var failure = await GetAsync("v21.0/123123");

        foreach (var answer in new[] { success, failure })
        {
            Assert.Equal("application/json; charset=UTF-8", answer.Header("Content-Type"));
            Assert.Equal("v21.0", answer.Header("Facebook-Api-Version"));
            Assert.Matches("^[A-Za-z0-9_-]{8,}$", answer.Header("X-Fb-Trace-Id"));
            Assert.Matches("^[A-Za-z0-9_-]{20,}$", answer.Header("X-Fb-Request-Id"));
            var appUsage = JsonNode.Parse(answer.Header("X-App-Usage")!)!;
            Assert.All(new[] { "call_count", "total_cputime", "total_time" }, key => Assert.NotNull(appUsage[key]));
        }
        Assert.Equal(failure.Header("X-Fb-Request-Id"), (string?)failure.Json["error"]!["fbtrace_id"]);

        var usage = JsonNode.Parse(success.Header("X-Business-Use-Case-Usage")!)![Seeded.RichWaba]![0]!;
        Assert.Equal("whatsapp_business_management", (string?)usage["type"]);
        Assert.Equal(0, (int)usage["estimated_time_to_regain_access"]!);
        Assert.Null(failure.Header("X-Business-Use-Case-Usage"));
    }

    [Fact]
    public async Task Business_use_case_call_count_grows_as_a_percentage_of_200_calls_an_hour()
    {
        // The recorded WABA has no registered number: Meta's default budget applies.
        Answer last = null!;
        for (var i = 0; i < 10; i++) last = await GetAsync($"v25.0/{Seeded.RecordedWaba}/phone_numbers?limit=1");

        var usage = JsonNode.Parse(last.Header("X-Business-Use-Case-Usage")!)![Seeded.RecordedWaba]![0]!;
        Assert.Equal(5, (int)usage["call_count"]!);
    }

    [Fact]
    public async Task An_active_WABA_has_a_budget_of_5000_calls_an_hour()
    {
        // The rich WABA has registered (CLOUD_API) numbers; calls about one of them count against it.
        Answer last = null!;
        for (var i = 0; i < 50; i++) last = await GetAsync($"v25.0/{(i % 2 == 0 ? Seeded.RichWaba + "/phone_numbers?limit=1" : Seeded.Connected)}");

        var usage = JsonNode.Parse(last.Header("X-Business-Use-Case-Usage")!)![Seeded.RichWaba]![0]!;
        Assert.Equal(1, (int)usage["call_count"]!);
    }
}
