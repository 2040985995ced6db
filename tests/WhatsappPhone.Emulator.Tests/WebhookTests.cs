using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace WhatsappPhone.Emulator.Tests;

/// <summary>Subscriptions, overrides and their handshake, and signed notifications, as Meta does them (webhooks.md).</summary>
public sealed class WebhookTests : EmulatorTest
{
    private const string AppSecret = "s3cret-of-the-app";
    private const string MustBeSubscribed =
        "(#100) Before override the current callback uri, your app must be subscribed to receive messages for WhatsApp Business Account";

    private readonly CallbackListener _app = new();
    private readonly CallbackListener _other = new();

    protected override EmulatorOptions Options => new() { AppSecret = AppSecret, CallbackUri = _app.Url };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _app.Dispose();
        _other.Dispose();
    }

    private Task<Answer> SubscribeAsync(string waba, string? overrideUri = null, string? token = null) =>
        overrideUri is null
            ? SendAsync(new HttpRequestMessage(HttpMethod.Post, $"v25.0/{waba}/subscribed_apps"))
            : PostJsonAsync($"v25.0/{waba}/subscribed_apps", new { override_callback_uri = overrideUri, verify_token = token });

    private Task<Answer> SetNumberOverrideAsync(string number, string uri, string? token) =>
        PostJsonAsync($"v25.0/{number}", new { webhook_configuration = new { override_callback_uri = uri, verify_token = token } });

    private async Task<JsonObject> DeliveredAsync(int id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var record = (await ControlAsync(HttpMethod.Get, "webhooks/deliveries")).AsArray().Single(d => (int)d!["id"]! == id)!.AsObject();
            if ((string?)record["status"] != "pending" || timeout.IsCancellationRequested) return record;
            await Task.Delay(20);
        }
    }

    private static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(new HMACSHA256(Encoding.UTF8.GetBytes(secret)).ComputeHash(body));

    [Fact]
    public async Task Subscribed_apps_is_empty_until_the_app_subscribes_and_then_lists_the_app_without_an_override()
    {
        Assert.Empty((await GetAsync($"v25.0/{Seeded.RichWaba}/subscribed_apps")).Json["data"]!.AsArray());

        Assert.True((bool)(await SubscribeAsync(Seeded.RichWaba)).Json["success"]!);

        var data = (await GetAsync($"v25.0/{Seeded.RichWaba}/subscribed_apps")).Json["data"]!.AsArray();
        var app = Assert.Single(data)!;
        Assert.Equal("1409662856548932", (string?)app["whatsapp_business_api_data"]!["id"]);
        Assert.Equal("WhatsappPhone Emulator App", (string?)app["whatsapp_business_api_data"]!["name"]);
        Assert.StartsWith("https://www.facebook.com/", (string?)app["whatsapp_business_api_data"]!["link"]);
        Assert.Null(app["override_callback_uri"]);
        Assert.Empty(_app.Handshakes);
    }

    [Fact]
    public async Task A_subscription_override_is_accepted_only_after_the_handshake_and_a_plain_post_clears_it()
    {
        Assert.True((bool)(await SubscribeAsync(Seeded.RichWaba, _other.Url, _other.VerifyToken)).Json["success"]!);

        var handshake = Assert.Single(_other.Handshakes);
        Assert.Equal("subscribe", handshake.Query["hub.mode"]);
        Assert.Equal(_other.VerifyToken, handshake.Query["hub.verify_token"]);
        Assert.False(string.IsNullOrEmpty(handshake.Query["hub.challenge"]));
        var app = (await GetAsync($"v25.0/{Seeded.RichWaba}/subscribed_apps")).Json["data"]![0]!;
        Assert.Equal(_other.Url, (string?)app["override_callback_uri"]);
        Assert.Equal(_other.Url, (await GetAsync($"v25.0/{Seeded.Connected}?fields=webhook_configuration")).Json["webhook_configuration"]!["whatsapp_business_account"]?.ToString());

        await SubscribeAsync(Seeded.RichWaba);

        Assert.Null((await GetAsync($"v25.0/{Seeded.RichWaba}/subscribed_apps")).Json["data"]![0]!["override_callback_uri"]);
    }

    [Fact]
    public async Task A_handshake_with_the_wrong_verify_token_is_refused_with_2200_and_nothing_is_subscribed()
    {
        var answer = await SubscribeAsync(Seeded.RichWaba, _other.Url, "not-the-token");

        var error = AssertGraphError(answer, 400, 2200);
        Assert.Equal("(#2200) Callback verification failed with the following errors: HTTP Status Code = 403; HTTP Message = Forbidden", (string?)error["message"]);
        Assert.Empty((await GetAsync($"v25.0/{Seeded.RichWaba}/subscribed_apps")).Json["data"]!.AsArray());
    }

    [Fact]
    public async Task A_callback_that_echoes_something_else_is_refused_with_2201()
    {
        _other.WrongEcho = "ok";

        var error = AssertGraphError(await SubscribeAsync(Seeded.RichWaba, _other.Url, _other.VerifyToken), 400, 2201);

        Assert.Contains("received=\"ok\"", (string?)error["message"]);
    }

    [Fact]
    public async Task An_unreachable_callback_and_a_missing_verify_token_are_refused()
    {
        var closed = new CallbackListener();
        var url = closed.Url;
        closed.Dispose();

        AssertGraphError(await SubscribeAsync(Seeded.RichWaba, url, "t"), 400, 2200);
        AssertGraphError(await PostJsonAsync($"v25.0/{Seeded.RichWaba}/subscribed_apps", new { override_callback_uri = _other.Url }), 400, 100);
        AssertGraphError(await SubscribeAsync(Seeded.RichWaba, "http://example.com/hook", "t"), 400, 100);
        Assert.Empty(_other.Handshakes);
    }

    [Fact]
    public async Task A_number_override_before_the_app_is_subscribed_is_error_100_with_Metas_message_and_no_handshake()
    {
        var error = AssertGraphError(await SetNumberOverrideAsync(Seeded.Connected, _other.Url, _other.VerifyToken), 400, 100);

        Assert.Equal(MustBeSubscribed, (string?)error["message"]);
        Assert.Equal("OAuthException", (string?)error["type"]);
        Assert.Empty(_other.Handshakes);
    }

    [Fact]
    public async Task A_number_override_after_subscribing_is_verified_read_back_and_removed_with_an_empty_uri()
    {
        await SubscribeAsync(Seeded.RichWaba);

        Assert.True((bool)(await SetNumberOverrideAsync(Seeded.Connected, _other.Url, _other.VerifyToken)).Json["success"]!);

        Assert.Single(_other.Handshakes);
        var configuration = (await GetAsync($"v25.0/{Seeded.Connected}?fields=webhook_configuration")).Json["webhook_configuration"]!;
        Assert.Equal(_other.Url, (string?)configuration["phone_number"]);
        Assert.Equal(_app.Url, (string?)configuration["application"]);

        Assert.True((bool)(await SetNumberOverrideAsync(Seeded.Connected, "", null)).Json["success"]!);

        Assert.Null((await GetAsync($"v25.0/{Seeded.Connected}?fields=webhook_configuration")).Json["webhook_configuration"]!["phone_number"]);
    }

    [Fact]
    public async Task A_number_override_with_a_failed_handshake_is_refused_and_not_kept()
    {
        await SubscribeAsync(Seeded.RichWaba);

        AssertGraphError(await SetNumberOverrideAsync(Seeded.Connected, _other.Url, "wrong"), 400, 2200);

        Assert.Null((await GetAsync($"v25.0/{Seeded.Connected}?fields=webhook_configuration")).Json["webhook_configuration"]!["phone_number"]);
    }

    [Fact]
    public async Task Subscribed_apps_of_a_phone_number_id_is_a_nonexisting_field_and_unknown_ids_are_not_found()
    {
        var error = AssertGraphError(await GetAsync($"v25.0/{Seeded.Connected}/subscribed_apps"), 400, 100);
        Assert.Contains("(subscribed_apps) on node type (WhatsAppBusinessPhoneNumber)", (string?)error["message"]);
        AssertGraphError(await SubscribeAsync("999999999999"), 400, 100, 33);
    }

    [Fact]
    public async Task A_quality_change_is_delivered_to_the_app_callback_signed_with_the_app_secret_in_Metas_shape()
    {
        await SubscribeAsync(Seeded.RichWaba);

        var outcome = await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/quality", new { messagingLimitTier = "TIER_250" });
        var record = await DeliveredAsync((int)outcome["delivery"]!["id"]!);

        Assert.Equal("delivered", (string?)record["status"]);
        var post = Assert.Single(await _app.PostsAsync(1));
        Assert.Equal(Sign(AppSecret, post.Body), post.Headers["X-Hub-Signature-256"]);
        Assert.Equal("application/json", post.Headers["Content-Type"]);
        var body = JsonNode.Parse(post.Body)!;
        Assert.Equal("whatsapp_business_account", (string?)body["object"]);
        var entry = body["entry"]![0]!;
        Assert.Equal(Seeded.RichWaba, (string?)entry["id"]);
        Assert.True((long)entry["time"]! > 1_700_000_000);
        var change = entry["changes"]![0]!;
        Assert.Equal("phone_number_quality_update", (string?)change["field"]);
        Assert.Equal("DOWNGRADE", (string?)change["value"]!["event"]);
        Assert.Equal("TIER_250", (string?)change["value"]!["current_limit"]);
        Assert.Equal("TIER_250", (string?)change["value"]!["max_daily_conversations_per_business"]);
        Assert.Matches("^[0-9]+$", (string?)change["value"]!["display_phone_number"]);
        Assert.Null(change["value"]!["phone_number_id"]);
        Assert.Equal("TIER_250", await FieldAsync(Seeded.Connected, "whatsapp_business_manager_messaging_limit"));
    }

    [Fact]
    public async Task Name_pin_and_ban_changes_are_delivered_in_the_shapes_of_their_fields()
    {
        await SubscribeAsync(Seeded.RichWaba);

        await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.PendingName}/name", new { decision = "REJECTED", rejectionReason = "NAME_FORMAT_UNACCEPTABLE" });
        await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/pin", new { pin = "975310" });
        await ControlAsync(HttpMethod.Post, $"wabas/{Seeded.RichWaba}/ban", new { state = "DISABLE", date = "April 17, 2025" });

        var posts = (await _app.PostsAsync(3)).Select(p => JsonNode.Parse(p.Body)!["entry"]![0]!["changes"]![0]!).ToList();
        Assert.Equal(["phone_number_name_update", "security", "account_update"], posts.Select(c => (string)c["field"]!));
        Assert.Equal("REJECTED", (string?)posts[0]["value"]!["decision"]);
        Assert.Equal("NAME_FORMAT_UNACCEPTABLE", (string?)posts[0]["value"]!["rejection_reason"]);
        Assert.Equal("PIN_CHANGED", (string?)posts[1]["value"]!["event"]);
        Assert.Equal("DISABLED_UPDATE", (string?)posts[2]["value"]!["event"]);
        Assert.Equal("DISABLE", (string?)posts[2]["value"]!["ban_info"]!["waba_ban_state"]);
        Assert.Equal("April 17, 2025", (string?)posts[2]["value"]!["ban_info"]!["waba_ban_date"]);
        Assert.Equal("DECLINED", await FieldAsync(Seeded.PendingName, "name_status"));
        var register = await RegisterAsync(Seeded.Connected, "975310");
        Assert.True(register.Response.IsSuccessStatusCode, register.Body);
    }

    [Fact]
    public async Task Account_level_fields_go_to_the_app_callback_while_messages_follow_the_most_specific_override()
    {
        using var wabaHook = new CallbackListener();
        await SubscribeAsync(Seeded.RichWaba, wabaHook.Url, wabaHook.VerifyToken);
        await SetNumberOverrideAsync(Seeded.Connected, _other.Url, _other.VerifyToken);

        await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/quality", new { qualityRating = "RED" });
        await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/messages", new { text = "hi" });
        await SetNumberOverrideAsync(Seeded.Connected, "", null);
        var last = await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/messages", new { text = "again" });
        await DeliveredAsync((int)last["delivery"]!["id"]!);

        Assert.Equal("FLAGGED", (string?)JsonNode.Parse(Assert.Single(_app.Posts).Body)!["entry"]![0]!["changes"]![0]!["value"]!["event"]);
        var message = JsonNode.Parse(Assert.Single(_other.Posts).Body)!["entry"]![0]!["changes"]![0]!["value"]!;
        Assert.Equal(Seeded.Connected, (string?)message["metadata"]!["phone_number_id"]);
        Assert.Equal("again", (string?)JsonNode.Parse(Assert.Single(wabaHook.Posts).Body)!["entry"]![0]!["changes"]![0]!["value"]!["messages"]![0]!["text"]!["body"]);
    }

    [Fact]
    public async Task Nothing_is_delivered_for_an_account_the_app_is_not_subscribed_to_or_has_unsubscribed_from()
    {
        var before = await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/quality", new { qualityRating = "YELLOW" });
        await SubscribeAsync(Seeded.RichWaba);
        Assert.True((bool)(await SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"v25.0/{Seeded.RichWaba}/subscribed_apps"))).Json["success"]!);
        var after = await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/quality", new { qualityRating = "RED" });

        Assert.Null(before["delivery"]);
        Assert.Contains("not subscribed", (string?)before["notSent"]);
        Assert.Null(after["delivery"]);
        Assert.Empty((await GetAsync($"v25.0/{Seeded.RichWaba}/subscribed_apps")).Json["data"]!.AsArray());
        Assert.Empty(_app.Requests);
    }

    [Fact]
    public async Task A_failed_delivery_is_retried_up_to_the_attempt_limit_then_marked_failed()
    {
        await ControlAsync(HttpMethod.Post, "webhooks", new { maxAttempts = 3, retryDelayMs = 0 });
        await SubscribeAsync(Seeded.RichWaba);
        _app.FailPosts = int.MaxValue;

        var outcome = await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/quality", new { qualityRating = "RED" });
        var record = await DeliveredAsync((int)outcome["delivery"]!["id"]!);

        Assert.Equal("failed", (string?)record["status"]);
        Assert.Equal(3, (int)record["attempts"]!);
        Assert.Equal(500, (int)record["lastStatus"]!);
        Assert.Equal(3, _app.Posts.Count());
        Assert.Single(_app.Posts.Select(p => p.Text).Distinct());
    }

    [Fact]
    public async Task A_delivery_that_fails_once_is_delivered_by_the_retry_exactly_once()
    {
        await ControlAsync(HttpMethod.Post, "webhooks", new { retryDelayMs = 0 });
        await SubscribeAsync(Seeded.RichWaba);
        _app.FailPosts = 1;

        var outcome = await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/quality", new { qualityRating = "RED" });
        var record = await DeliveredAsync((int)outcome["delivery"]!["id"]!);

        Assert.Equal("delivered", (string?)record["status"]);
        Assert.Equal(2, (int)record["attempts"]!);
        Assert.Equal(2, _app.Posts.Count());
    }

    /// <summary>Polls the delivery log until <paramref name="done"/> holds (a state, not a time: the deadline only stops a hung test).</summary>
    private async Task<JsonArray> DeliveriesWhenAsync(Func<JsonArray, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var all = (await ControlAsync(HttpMethod.Get, "webhooks/deliveries")).AsArray();
            if (done(all) || timeout.IsCancellationRequested) return all;
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_delivery_that_got_503_is_delivered_again_once_its_retry_is_due_on_the_clock_and_then_not_again()
    {
        // Ten minutes on the emulator's clock: no retry comes in real time while the test runs.
        await ControlAsync(HttpMethod.Post, "webhooks", new { retryDelayMs = 600_000 });
        await SubscribeAsync(Seeded.RichWaba);
        _app.FailPosts = 1;
        var id = (int)(await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/quality", new { qualityRating = "RED" }))["delivery"]!["id"]!;

        var waiting = (await DeliveriesWhenAsync(d => (int)d.Single(r => (int)r!["id"]! == id)!["attempts"]! == 1 && d.Single(r => (int)r!["id"]! == id)!["nextAttempt"] != null))
            .Single(r => (int)r!["id"]! == id)!;
        Assert.Equal("pending", (string?)waiting["status"]);
        Assert.Equal(500, (int)waiting["lastStatus"]!);
        Assert.Single(_app.Posts);

        await ControlAsync(HttpMethod.Post, "clock", new { advanceHours = 1 });
        var record = await DeliveredAsync(id);
        Assert.Equal("delivered", (string?)record["status"]);
        Assert.Equal(2, (int)record["attempts"]!);
        Assert.Null(record["nextAttempt"]);

        await ControlAsync(HttpMethod.Post, "clock", new { advanceHours = 10 });
        await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/quality", new { qualityRating = "GREEN" });
        await DeliveriesWhenAsync(d => d.All(r => (string?)r!["status"] != "pending"));
        var posts = _app.Posts.Select(p => p.Text).ToList();
        Assert.Equal(3, posts.Count);
        Assert.Equal(posts[0], posts[1]);
        Assert.NotEqual(posts[1], posts[2]);
    }

    [Fact]
    public async Task A_notification_waiting_for_its_retry_holds_back_no_later_one()
    {
        await ControlAsync(HttpMethod.Post, "webhooks", new { retryDelayMs = 600_000 });
        await SubscribeAsync(Seeded.RichWaba);
        _app.FailPosts = 1;
        await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/quality", new { qualityRating = "RED" });
        await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/quality", new { qualityRating = "YELLOW" });

        var all = await DeliveriesWhenAsync(d => d.Count == 2 && (string?)d[1]!["status"] == "delivered");
        Assert.Equal(new[] { "pending", "delivered" }, all.Select(r => (string?)r!["status"]));
    }

    [Fact]
    public async Task A_notification_still_failing_36_hours_after_it_was_made_is_failed()
    {
        await ControlAsync(HttpMethod.Post, "webhooks", new { retryDelayMs = 600_000 });
        await SubscribeAsync(Seeded.RichWaba);
        _app.FailPosts = int.MaxValue;
        var id = (int)(await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/quality", new { qualityRating = "RED" }))["delivery"]!["id"]!;

        // Each hour on the clock lets one more retry go (the delay doubles up to an hour); after 36 it stops.
        for (var hour = 0; hour < 40; hour++)
        {
            var attempts = (int)(await DeliveriesWhenAsync(d => d.Single(r => (int)r!["id"]! == id)!["nextAttempt"] != null || (string?)d.Single(r => (int)r!["id"]! == id)!["status"] == "failed"))
                .Single(r => (int)r!["id"]! == id)!["attempts"]!;
            await ControlAsync(HttpMethod.Post, "clock", new { advanceHours = 1 });
            await DeliveriesWhenAsync(d => (int)d.Single(r => (int)r!["id"]! == id)!["attempts"]! > attempts || (string?)d.Single(r => (int)r!["id"]! == id)!["status"] == "failed");
        }
        var record = await DeliveredAsync(id);
        Assert.Equal("failed", (string?)record["status"]);
        Assert.InRange((int)record["attempts"]!, 30, 40);
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_has_failed_and_gets_the_notification_again()
    {
        await ControlAsync(HttpMethod.Post, "webhooks", new { retryDelayMs = 600_000, deliveryTimeoutMs = 200 });
        await SubscribeAsync(Seeded.RichWaba);
        _app.HoldPosts = 1;
        var id = (int)(await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/quality", new { qualityRating = "RED" }))["delivery"]!["id"]!;

        var timedOut = (await DeliveriesWhenAsync(d => (string?)d.Single(r => (int)r!["id"]! == id)!["lastError"] == "Timeout")).Single(r => (int)r!["id"]! == id)!;
        Assert.Equal("pending", (string?)timedOut["status"]);
        await ControlAsync(HttpMethod.Post, "clock", new { advanceHours = 1 });
        Assert.Equal("delivered", (string?)(await DeliveredAsync(id))["status"]);
        Assert.Equal(2, _app.Posts.Count());
    }

    [Fact]
    public async Task The_control_api_changes_the_app_secret_and_callback_but_never_shows_the_secret()
    {
        var app = await ControlAsync(HttpMethod.Post, "webhooks", new { appSecret = "an0ther-secret", callbackUri = _other.Url });
        var shown = (await ControlRawAsync(HttpMethod.Get, "webhooks")).Body + (await ControlRawAsync(HttpMethod.Get, "state")).Body;
        await SubscribeAsync(Seeded.RichWaba);
        await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/quality", new { qualityRating = "RED" });

        Assert.Equal(_other.Url, (string?)app["callbackUri"]);
        Assert.DoesNotContain("an0ther-secret", shown);
        Assert.DoesNotContain(AppSecret, shown);
        var post = Assert.Single(await _other.PostsAsync(1));
        Assert.Equal(Sign("an0ther-secret", post.Body), post.Headers["X-Hub-Signature-256"]);
    }

    [Fact]
    public async Task Reset_forgets_subscriptions_overrides_and_deliveries()
    {
        await SubscribeAsync(Seeded.RichWaba);
        await SetNumberOverrideAsync(Seeded.Connected, _other.Url, _other.VerifyToken);

        await ControlAsync(HttpMethod.Post, "reset");

        Assert.Empty((await GetAsync($"v25.0/{Seeded.RichWaba}/subscribed_apps")).Json["data"]!.AsArray());
        Assert.Null((await GetAsync($"v25.0/{Seeded.Connected}?fields=webhook_configuration")).Json["webhook_configuration"]!["phone_number"]);
        Assert.Empty((await ControlAsync(HttpMethod.Get, "webhooks/deliveries")).AsArray());
    }

    [Fact]
    public void The_command_line_sets_the_app_secret_and_callback_and_refuses_a_callback_that_is_not_a_url()
    {
        var options = EmulatorOptions.Parse(["--app-secret", "abc", "--callback-uri", "http://127.0.0.1:9000/hook/"]);

        Assert.Equal("abc", options.AppSecret);
        Assert.Equal("http://127.0.0.1:9000/hook/", options.CallbackUri);
        Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(["--callback-uri", "not a url"]));
    }
}
