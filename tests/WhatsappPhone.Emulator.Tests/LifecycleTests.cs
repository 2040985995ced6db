using System.Text.Json.Nodes;

namespace WhatsappPhone.Emulator.Tests;

/// <summary>Meta's registration state machine: verification, display name, PIN, rate limit.</summary>
public sealed class LifecycleTests : EmulatorTest
{
    [Theory]
    [InlineData(Seeded.Expired)]
    [InlineData(Seeded.Unverified)]
    public async Task Registering_a_number_whose_code_is_not_verified_fails_with_133006(string id)
    {
        var error = AssertGraphError(await RegisterAsync(id, "975310"), 400, 133006);

        Assert.Equal("(#133006) Phone number re-verification needed", (string?)error["message"]);
        Assert.Equal("whatsapp", (string?)error["error_data"]!["messaging_product"]);
        Assert.NotNull(error["error_data"]!["details"]);
    }

    [Fact]
    public async Task Registering_while_the_display_name_is_pending_fails_with_100_subcode_2388001()
    {
        var error = AssertGraphError(await RegisterAsync(Seeded.PendingName, "123456"), 400, 100, 2388001);

        Assert.Contains("display name", (string?)error["error_user_msg"]);
        Assert.NotNull(error["error_user_title"]);
        Assert.False((bool)error["is_transient"]!);
    }

    [Fact]
    public async Task A_wrong_pin_fails_with_133005_and_the_right_one_connects_the_number()
    {
        var wrong = await RegisterAsync(Seeded.ReadyWithPin, "000000");
        var right = await RegisterAsync(Seeded.ReadyWithPin, Seeded.ReadyPin);

        Assert.Equal("(#133005) Two step verification PIN Mismatch", (string?)AssertGraphError(wrong, 400, 133005)["message"]);
        Assert.Equal("""{"success":true}""", right.Body);
        var listed = (await GetAsync($"v25.0/{Seeded.RichWaba}/phone_numbers?fields=status,platform_type&limit=100")).Json["data"]!
            .AsArray().Single(n => (string?)n!["id"] == Seeded.ReadyWithPin)!;
        Assert.Equal("CONNECTED", (string?)listed["status"]);
        Assert.Equal("CLOUD_API", (string?)listed["platform_type"]);
    }

    [Fact]
    public async Task The_first_registration_of_a_number_without_a_pin_sets_it()
    {
        Assert.Equal("false", await FieldAsync(Seeded.ReadyWithoutPin, "is_pin_enabled"));

        Assert.Equal(200, (int)(await RegisterAsync(Seeded.ReadyWithoutPin, "111111")).Status);
        Assert.Equal("true", await FieldAsync(Seeded.ReadyWithoutPin, "is_pin_enabled"));
        Assert.Equal(200, (int)(await PostFormAsync($"v25.0/{Seeded.ReadyWithoutPin}/deregister")).Status);
        AssertGraphError(await RegisterAsync(Seeded.ReadyWithoutPin, "222222"), 400, 133005);
    }

    [Fact]
    public async Task Deregistering_a_number_that_is_not_registered_fails_with_133010()
    {
        var error = AssertGraphError(await PostFormAsync($"v25.0/{Seeded.ReadyWithoutPin}/deregister"), 400, 133010);

        Assert.Equal("(#133010) Account not registered", (string?)error["message"]);
    }

    [Fact]
    public async Task Deregistering_disconnects_the_number()
    {
        Assert.Equal(200, (int)(await PostFormAsync($"v25.0/{Seeded.Connected}/deregister")).Status);

        Assert.Equal("DISCONNECTED", await FieldAsync(Seeded.Connected, "status"));
        Assert.Equal("NOT_APPLICABLE", await FieldAsync(Seeded.Connected, "platform_type"));
    }

    [Fact]
    public async Task The_eleventh_register_attempt_in_72_hours_fails_with_133016_until_the_window_moves_on()
    {
        for (var i = 0; i < 9; i++) Assert.Equal(200, (int)(await RegisterAsync(Seeded.Connected, Seeded.ConnectedPin)).Status);
        AssertGraphError(await RegisterAsync(Seeded.Connected, "999999"), 400, 133005); // failed attempts count too

        var limited = AssertGraphError(await RegisterAsync(Seeded.Connected, Seeded.ConnectedPin), 400, 133016);

        Assert.StartsWith("(#133016)", (string?)limited["message"]);
        var attempts = (await RequestLogAsync()).Count(e => (string?)e!["path"] == $"/v25.0/{Seeded.Connected}/register");
        Assert.Equal(11, attempts);
        // Deregistration has its own count.
        Assert.Equal(200, (int)(await PostFormAsync($"v25.0/{Seeded.Connected}/deregister")).Status);

        await ControlAsync(HttpMethod.Post, "clock", new { advanceHours = 73 });
        Assert.Equal(200, (int)(await RegisterAsync(Seeded.Connected, Seeded.ConnectedPin)).Status);
    }

    [Fact]
    public async Task Request_code_and_verify_code_make_an_unverified_number_registrable()
    {
        AssertGraphError(await RegisterAsync(Seeded.Unverified, "424242"), 400, 133006);

        var request = await PostFormAsync($"v25.0/{Seeded.Unverified}/request_code", ("code_method", "SMS"), ("language", "en_US"));
        var code = (string)(await ControlAsync(HttpMethod.Get, $"numbers/{Seeded.Unverified}/code"))["code"]!;
        var wrongCode = code == "000000" ? "000001" : "000000";
        var wrong = await PostFormAsync($"v25.0/{Seeded.Unverified}/verify_code", ("code", wrongCode));
        var right = await PostFormAsync($"v25.0/{Seeded.Unverified}/verify_code", ("code", code));

        Assert.Equal("""{"success":true}""", request.Body);
        Assert.Matches("^[0-9]{6}$", code);
        Assert.Equal("(#136025) Verify code error", (string?)AssertGraphError(wrong, 400, 136025)["message"]);
        Assert.Equal("""{"success":true}""", right.Body);
        Assert.Equal("VERIFIED", await FieldAsync(Seeded.Unverified, "code_verification_status"));
        Assert.Equal(200, (int)(await RegisterAsync(Seeded.Unverified, "424242")).Status);
    }

    [Theory]
    [InlineData(null, "en_US")]
    [InlineData("FAX", "en_US")]
    [InlineData("VOICE", null)]
    public async Task Request_code_needs_sms_or_voice_and_a_language(string? method, string? language)
    {
        var form = new List<(string, string)>();
        if (method is not null) form.Add(("code_method", method));
        if (language is not null) form.Add(("language", language));

        AssertGraphError(await PostFormAsync($"v25.0/{Seeded.Unverified}/request_code", [.. form]), 400, 100);
        Assert.Equal(404, (int)(await ControlRawAsync(HttpMethod.Get, $"numbers/{Seeded.Unverified}/code")).Status);
    }

    [Fact]
    public async Task A_verified_code_status_expires_after_14_days()
    {
        await ControlAsync(HttpMethod.Post, "clock", new { advanceHours = 14 * 24 + 1 });

        Assert.Equal("EXPIRED", await FieldAsync(Seeded.ReadyWithoutPin, "code_verification_status"));
        AssertGraphError(await RegisterAsync(Seeded.ReadyWithoutPin, "111111"), 400, 133006);
    }

    [Fact]
    public async Task Setting_the_pin_changes_the_pin_register_expects()
    {
        var set = await PostFormAsync($"v25.0/{Seeded.Connected}", ("pin", "654321"));

        Assert.Equal("""{"success":true}""", set.Body);
        AssertGraphError(await RegisterAsync(Seeded.Connected, Seeded.ConnectedPin), 400, 133005);
        Assert.Equal(200, (int)(await RegisterAsync(Seeded.Connected, "654321")).Status);
        AssertGraphError(await PostFormAsync($"v25.0/{Seeded.Connected}", ("pin", "12ab56")), 400, 100);
    }

    [Theory]
    [InlineData(null, "123456", null)]
    [InlineData("sms", "123456", null)]
    [InlineData("whatsapp", null, null)]
    [InlineData("whatsapp", "123", null)]
    [InlineData("whatsapp", "1234567", null)]
    [InlineData("whatsapp", Seeded.ReadyPin, "Germany")]
    public async Task Register_checks_its_parameters_with_code_100(string? product, string? pin, string? region)
    {
        var form = new List<(string, string)>();
        if (product is not null) form.Add(("messaging_product", product));
        if (pin is not null) form.Add(("pin", pin));
        if (region is not null) form.Add(("data_localization_region", region));

        AssertGraphError(await PostFormAsync($"v25.0/{Seeded.ReadyWithPin}/register", [.. form]), 400, 100);
        Assert.Equal("DISCONNECTED", await FieldAsync(Seeded.ReadyWithPin, "status"));
    }

    [Fact]
    public async Task Register_keeps_the_data_localization_region()
    {
        var answer = await PostJsonAsync($"v25.0/{Seeded.ReadyWithPin}/register",
            new { messaging_product = "whatsapp", pin = Seeded.ReadyPin, data_localization_region = "DE" });

        Assert.Equal(200, (int)answer.Status);
        var state = await ControlAsync(HttpMethod.Get, "state");
        var number = state["numbers"]!.AsArray().Single(n => (string?)n!["id"] == Seeded.ReadyWithPin)!;
        Assert.Equal("DE", (string?)number["data_localization_region"]);
    }
}

/// <summary>Graph takes parameters as JSON, as a form or in the query string.</summary>
public sealed class ParameterTests : EmulatorTest
{
    [Theory]
    [InlineData("json")]
    [InlineData("form")]
    [InlineData("query")]
    public async Task Register_reads_its_parameters_from_json_form_or_query(string style)
    {
        Task<Answer> Register(string pin) => style switch
        {
            "json" => PostJsonAsync($"v25.0/{Seeded.ReadyWithPin}/register", new { messaging_product = "whatsapp", pin }),
            "form" => PostFormAsync($"v25.0/{Seeded.ReadyWithPin}/register", ("messaging_product", "whatsapp"), ("pin", pin)),
            _ => PostFormAsync($"v25.0/{Seeded.ReadyWithPin}/register?messaging_product=whatsapp&pin={pin}"),
        };

        // A mismatch (not "missing parameter") proves the PIN was read.
        AssertGraphError(await Register("000000"), 400, 133005);
        Assert.Equal("""{"success":true}""", (await Register(Seeded.ReadyPin)).Body);
    }

    [Fact]
    public async Task A_json_pin_may_be_a_number()
    {
        var answer = await PostJsonAsync($"v25.0/{Seeded.ReadyWithPin}/register", new JsonObject { ["messaging_product"] = "whatsapp", ["pin"] = 135790 });

        Assert.Equal(200, (int)answer.Status);
    }

    [Fact]
    public async Task A_list_reads_its_parameters_from_a_json_body_too()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"v25.0/{Seeded.RichWaba}/phone_numbers")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { fields = "status", limit = 1 }),
        };

        var item = Assert.Single((await SendAsync(request)).Json["data"]!.AsArray())!;

        Assert.Equal(["status", "id"], item.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_malformed_json_body_is_refused_with_code_100()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"v25.0/{Seeded.ReadyWithPin}/register")
        {
            Content = new StringContent("{\"pin\":", System.Text.Encoding.UTF8, "application/json"),
        };

        AssertGraphError(await SendAsync(request), 400, 100);
    }
}
