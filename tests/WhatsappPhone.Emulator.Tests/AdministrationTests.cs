using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace WhatsappPhone.Emulator.Tests;

/// <summary>Adding and migrating numbers, display names, settings, the business profile and its picture upload, account health.</summary>
public sealed class AdministrationTests : EmulatorTest
{
    private const string App = "875629473610042";
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    private Task<Answer> AddAsync(string waba, string cc, string number, string name, bool? migrate = null) =>
        PostJsonAsync($"v25.0/{waba}/phone_numbers", migrate is { } m
            ? new { cc, phone_number = number, verified_name = name, migrate_phone_number = m }
            : new { cc, phone_number = number, verified_name = name });

    [Fact]
    public async Task Adding_a_number_creates_an_unverified_number_whose_name_waits_for_review()
    {
        var answer = await AddAsync(Seeded.RecordedWaba, "1", "5550199001", "Jasper's Deli");

        var id = (string)answer.Json["id"]!;
        var number = (await GetAsync($"v25.0/{id}?fields=display_phone_number,verified_name,status,code_verification_status,name_status,platform_type")).Json;
        Assert.Equal("+1 555-019-9001", (string?)number["display_phone_number"]);
        Assert.Equal("Jasper's Deli", (string?)number["verified_name"]);
        Assert.Equal("UNVERIFIED", (string?)number["status"]);
        Assert.Equal("NOT_VERIFIED", (string?)number["code_verification_status"]);
        Assert.Equal("PENDING_REVIEW", (string?)number["name_status"]);
        Assert.Equal("NOT_APPLICABLE", (string?)number["platform_type"]);
        var listed = (await GetAsync($"v25.0/{Seeded.RecordedWaba}/phone_numbers?fields=id")).Json["data"]!.AsArray();
        Assert.Contains(listed, n => (string?)n!["id"] == id);
    }

    [Fact]
    public async Task Adding_a_number_that_an_account_already_has_is_refused_with_100()
    {
        // +1 555-025-3481 is seeded in Jasper's Market.
        var error = AssertGraphError(await AddAsync(Seeded.RecordedWaba, "1", "5550253481", "Jasper's Market"), 400, 100);

        Assert.Contains("already", (string?)error["message"]);
    }

    [Theory]
    [InlineData("cc")]
    [InlineData("phone_number")]
    [InlineData("verified_name")]
    public async Task Adding_a_number_needs_cc_phone_number_and_verified_name(string missing)
    {
        var body = new Dictionary<string, string> { ["cc"] = "1", ["phone_number"] = "5550199002", ["verified_name"] = "Jasper's Deli" };
        body.Remove(missing);

        var error = AssertGraphError(await PostJsonAsync($"v25.0/{Seeded.RecordedWaba}/phone_numbers", body), 400, 100);

        Assert.Contains(missing, (string?)error["message"]);
    }

    [Fact]
    public async Task Migrating_needs_the_number_in_another_account_without_two_step_verification()
    {
        var nowhere = await AddAsync(Seeded.RecordedWaba, "1", "5550199003", "Nobody", migrate: true);
        var withPin = await AddAsync(Seeded.RecordedWaba, "1", "5550253481", "Jasper's Market", migrate: true);
        var sameAccount = await AddAsync(Seeded.RichWaba, "1", "5550253481", "Jasper's Market", migrate: true);

        Assert.Contains("not registered to another", (string?)AssertGraphError(nowhere, 400, 100)["message"]);
        Assert.Contains("Two-step verification", (string?)AssertGraphError(withPin, 400, 100)["message"]);
        Assert.Contains("already", (string?)AssertGraphError(sameAccount, 400, 100)["message"]);
    }

    [Fact]
    public async Task A_migrated_number_keeps_its_name_and_the_source_becomes_MIGRATED_once_the_destination_registers()
    {
        var source = (await GetAsync($"v25.0/{Seeded.ReadyWithoutPin}?fields=display_phone_number,verified_name,name_status")).Json;
        var digits = new string([.. ((string)source["display_phone_number"]!).Where(char.IsAsciiDigit)]);

        var id = (string)(await AddAsync(Seeded.RecordedWaba, "1", digits[1..], "ignored for a migration", migrate: true)).Json["id"]!;
        Assert.Equal((string?)source["verified_name"], await FieldAsync(id, "verified_name"));
        Assert.Equal((string?)source["name_status"], await FieldAsync(id, "name_status"));

        await PostFormAsync($"v25.0/{id}/request_code", ("code_method", "SMS"), ("language", "en_US"));
        var code = (string)(await ControlAsync(HttpMethod.Get, $"numbers/{id}/code"))["code"]!;
        await PostFormAsync($"v25.0/{id}/verify_code", ("code", code));
        Assert.Equal("""{"success":true}""", (await RegisterAsync(id, "112358")).Body);

        Assert.Equal("MIGRATED", await FieldAsync(Seeded.ReadyWithoutPin, "status"));
        Assert.Equal("CONNECTED", await FieldAsync(id, "status"));
    }

    [Fact]
    public async Task The_destination_account_of_a_migration_must_be_approved()
    {
        await ControlAsync(HttpMethod.Post, $"wabas/{Seeded.RecordedWaba}", new { accountReviewStatus = "PENDING" });
        var digits = new string([.. (await FieldAsync(Seeded.ReadyWithoutPin, "display_phone_number"))!.Where(char.IsAsciiDigit)]);

        var error = AssertGraphError(await AddAsync(Seeded.RecordedWaba, "1", digits[1..], "Jasper's Ice Cream", migrate: true), 400, 100);

        Assert.Contains("not approved", (string?)error["message"]);
    }

    [Fact]
    public async Task A_display_name_change_goes_to_review_and_only_one_at_a_time()
    {
        var first = await PostJsonAsync($"v25.0/{Seeded.Connected}", new { new_display_name = "Jasper's Fine Market" });
        var second = await PostJsonAsync($"v25.0/{Seeded.Connected}", new { new_display_name = "Jasper's Other Market" });

        Assert.Equal("""{"success":true}""", first.Body);
        Assert.Equal("Jasper's Fine Market", await FieldAsync(Seeded.Connected, "new_display_name"));
        Assert.Equal("PENDING_REVIEW", await FieldAsync(Seeded.Connected, "new_name_status"));
        Assert.Contains("already in review", (string?)AssertGraphError(second, 400, 100)["message"]);
    }

    [Theory]
    [InlineData("J")]
    [InlineData("A name that is far too long for WhatsApp, which allows seventy-five characters")]
    public async Task A_display_name_outside_2_to_75_characters_is_refused(string name)
    {
        AssertGraphError(await PostJsonAsync($"v25.0/{Seeded.Connected}", new { new_display_name = name }), 400, 100);

        Assert.Equal("NONE", await FieldAsync(Seeded.Connected, "new_name_status"));
    }

    [Fact]
    public async Task An_approved_name_shows_only_after_the_number_registers_again()
    {
        await PostJsonAsync($"v25.0/{Seeded.Connected}", new { new_display_name = "Jasper's Fine Market" });
        await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/name-review", new { decision = "APPROVED" });

        Assert.Equal("APPROVED", await FieldAsync(Seeded.Connected, "new_name_status"));
        Assert.Equal("Jasper's Market", await FieldAsync(Seeded.Connected, "verified_name"));

        Assert.Equal("""{"success":true}""", (await RegisterAsync(Seeded.Connected, Seeded.ConnectedPin)).Body);
        Assert.Equal("Jasper's Fine Market", await FieldAsync(Seeded.Connected, "verified_name"));
        Assert.Equal("NONE", await FieldAsync(Seeded.Connected, "new_name_status"));
    }

    [Fact]
    public async Task A_declined_name_changes_nothing()
    {
        await PostJsonAsync($"v25.0/{Seeded.Connected}", new { new_display_name = "Jasper's Fine Market" });
        await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}/name-review", new { decision = "DECLINED" });
        await RegisterAsync(Seeded.Connected, Seeded.ConnectedPin);

        Assert.Equal("DECLINED", await FieldAsync(Seeded.Connected, "new_name_status"));
        Assert.Equal("Jasper's Market", await FieldAsync(Seeded.Connected, "verified_name"));
    }

    [Fact]
    public async Task Setting_the_pin_still_works_on_the_same_route()
    {
        Assert.Equal("""{"success":true}""", (await PostJsonAsync($"v25.0/{Seeded.ReadyWithoutPin}", new { pin = "112233" })).Body);
        Assert.Equal("true", await FieldAsync(Seeded.ReadyWithoutPin, "is_pin_enabled"));
    }

    [Fact]
    public async Task Local_storage_is_enabled_on_an_unregistered_number_and_read_back_from_settings()
    {
        var set = await PostJsonAsync($"v25.0/{Seeded.ReadyWithoutPin}/settings",
            new { storage_configuration = new { status = "IN_COUNTRY_STORAGE_ENABLED", data_localization_region = "DE" } });

        Assert.Equal("""{"success":true}""", set.Body);
        var storage = (await GetAsync($"v25.0/{Seeded.ReadyWithoutPin}/settings")).Json["storage_configuration"]!;
        Assert.Equal("IN_COUNTRY_STORAGE_ENABLED", (string?)storage["status"]);
        Assert.Equal("DE", (string?)storage["data_localization_region"]);

        await PostJsonAsync($"v25.0/{Seeded.ReadyWithoutPin}/settings", new { storage_configuration = new { status = "DEFAULT" } });
        Assert.Equal("DEFAULT", (string?)(await GetAsync($"v25.0/{Seeded.ReadyWithoutPin}/settings")).Json["storage_configuration"]!["status"]);
    }

    [Fact]
    public async Task Registering_keeps_the_local_storage_set_before_it()
    {
        await PostJsonAsync($"v25.0/{Seeded.ReadyWithoutPin}/settings",
            new { storage_configuration = new { status = "IN_COUNTRY_STORAGE_ENABLED", data_localization_region = "DE" } });

        Assert.Equal("""{"success":true}""", (await RegisterAsync(Seeded.ReadyWithoutPin, "112233")).Body);

        Assert.Equal("DE", (string?)(await GetAsync($"v25.0/{Seeded.ReadyWithoutPin}/settings")).Json["storage_configuration"]!["data_localization_region"]);
    }

    [Fact]
    public async Task Local_storage_on_a_registered_number_is_refused()
    {
        var error = AssertGraphError(await PostJsonAsync($"v25.0/{Seeded.Connected}/settings",
            new { storage_configuration = new { status = "IN_COUNTRY_STORAGE_ENABLED", data_localization_region = "DE" } }), 400, 100);

        Assert.Contains("not registered", (string?)error["message"]);
        Assert.Equal("DEFAULT", (string?)(await GetAsync($"v25.0/{Seeded.Connected}/settings")).Json["storage_configuration"]!["status"]);
    }

    [Fact]
    public async Task An_unknown_region_and_two_features_in_one_request_are_refused()
    {
        var region = await PostJsonAsync($"v25.0/{Seeded.ReadyWithoutPin}/settings",
            new { storage_configuration = new { status = "IN_COUNTRY_STORAGE_ENABLED", data_localization_region = "FR" } });
        var two = await PostJsonAsync($"v25.0/{Seeded.ReadyWithoutPin}/settings", new
        {
            storage_configuration = new { status = "DEFAULT" },
            user_identity_change = new { enable_identity_key_check = true },
        });

        AssertGraphError(region, 400, 100);
        Assert.Contains("one feature", (string?)AssertGraphError(two, 400, 100)["message"]);
    }

    [Fact]
    public async Task The_identity_key_check_can_change_while_registered()
    {
        var set = await PostJsonAsync($"v25.0/{Seeded.Connected}/settings", new { user_identity_change = new { enable_identity_key_check = true } });

        Assert.Equal("""{"success":true}""", set.Body);
        Assert.True((bool)(await GetAsync($"v25.0/{Seeded.Connected}/settings")).Json["user_identity_change"]!["enable_identity_key_check"]!);
    }

    [Fact]
    public async Task The_profile_stores_the_given_fields_and_keeps_the_others()
    {
        await PostJsonAsync($"v25.0/{Seeded.Connected}/whatsapp_business_profile",
            new { messaging_product = "whatsapp", about = "Fresh food daily", websites = new[] { "https://jaspers.example" }, vertical = "GROCERY" });
        await PostJsonAsync($"v25.0/{Seeded.Connected}/whatsapp_business_profile", new { messaging_product = "whatsapp", email = "hello@jaspers.example" });

        var profile = (await GetAsync($"v25.0/{Seeded.Connected}/whatsapp_business_profile?fields=about,email,websites,vertical")).Json["data"]![0]!;
        Assert.Equal("Fresh food daily", (string?)profile["about"]);
        Assert.Equal("hello@jaspers.example", (string?)profile["email"]);
        Assert.Equal("https://jaspers.example", (string?)profile["websites"]![0]);
        Assert.Equal("GROCERY", (string?)profile["vertical"]);
        Assert.Equal("whatsapp", (string?)profile["messaging_product"]);
    }

    public static TheoryData<string, object> BadProfiles => new()
    {
        { "about", new { messaging_product = "whatsapp", about = new string('a', 140) } },
        { "address", new { messaging_product = "whatsapp", address = new string('a', 257) } },
        { "description", new { messaging_product = "whatsapp", description = new string('a', 513) } },
        { "email", new { messaging_product = "whatsapp", email = "not an address" } },
        { "websites", new { messaging_product = "whatsapp", websites = new[] { "https://a.example", "https://b.example", "https://c.example" } } },
        { "websites", new { messaging_product = "whatsapp", websites = new[] { "ftp://a.example" } } },
        { "vertical", new { messaging_product = "whatsapp", vertical = "SPACESHIPS" } },
        { "profile_picture_handle", new { messaging_product = "whatsapp", profile_picture_handle = "4:bm8=:bm8=:bm8" } },
        { "messaging_product", new { about = "x" } },
    };

    [Theory]
    [MemberData(nameof(BadProfiles))]
    public async Task A_profile_field_Graph_would_refuse_is_refused_and_nothing_is_stored(string field, object body)
    {
        var error = AssertGraphError(await PostJsonAsync($"v25.0/{Seeded.Connected}/whatsapp_business_profile", body), 400, 100);

        Assert.Contains(field, (string?)error["message"]);
        var profile = (await GetAsync($"v25.0/{Seeded.Connected}/whatsapp_business_profile")).Json["data"]![0]!;
        Assert.Null(profile["about"]);
    }

    [Fact]
    public async Task An_uploaded_picture_gives_a_handle_that_sets_the_profile_picture()
    {
        var session = (string)(await PostFormAsync($"v25.0/{App}/uploads?file_name=logo.png&file_length={Png.Length}&file_type=image/png")).Json["id"]!;
        Assert.StartsWith("upload:", session);

        var upload = new HttpRequestMessage(HttpMethod.Post, $"v25.0/{session}") { Content = new ByteArrayContent(Png) };
        upload.Headers.Authorization = new AuthenticationHeaderValue("OAuth", Emulator.Token);
        upload.Headers.Add("file_offset", "0");
        var handle = (string)(await SendAsync(upload)).Json["h"]!;

        var set = await PostJsonAsync($"v25.0/{Seeded.Connected}/whatsapp_business_profile", new { messaging_product = "whatsapp", profile_picture_handle = handle });
        Assert.Equal("""{"success":true}""", set.Body);
        var url = (string?)(await GetAsync($"v25.0/{Seeded.Connected}/whatsapp_business_profile?fields=profile_picture_url")).Json["data"]![0]!["profile_picture_url"];
        Assert.StartsWith("https://pps.whatsapp.net/", url);
    }

    [Fact]
    public async Task An_upload_needs_a_known_app_a_length_and_the_whole_file_at_offset_0()
    {
        AssertGraphError(await PostFormAsync($"v25.0/{Seeded.Business}/uploads?file_length=16&file_type=image/png"), 400, 2500);
        AssertGraphError(await PostFormAsync($"v25.0/{App}/uploads?file_type=image/png"), 400, 100);
        var session = (string)(await PostFormAsync($"v25.0/{App}/uploads?file_length=99&file_type=image/png")).Json["id"]!;

        var upload = new HttpRequestMessage(HttpMethod.Post, $"v25.0/{session}") { Content = new ByteArrayContent(Png) };
        upload.Headers.Add("file_offset", "0");
        Assert.Contains("file_length", (string?)AssertGraphError(await SendAsync(upload), 400, 100)["message"]);
    }

    [Fact]
    public async Task An_account_shows_its_review_verification_ownership_and_health()
    {
        var waba = (await GetAsync($"v25.0/{Seeded.RichWaba}?fields=account_review_status,business_verification_status,ownership_type,health_status")).Json;
        Assert.Equal("APPROVED", (string?)waba["account_review_status"]);
        Assert.Equal("VERIFIED", (string?)waba["business_verification_status"]);
        Assert.Equal("CLIENT_OWNED", (string?)waba["ownership_type"]);
        Assert.Equal("AVAILABLE", (string?)waba["health_status"]!["can_send_message"]);

        await ControlAsync(HttpMethod.Post, $"wabas/{Seeded.RichWaba}", new { accountReviewStatus = "REJECTED", canSendMessage = "BLOCKED" });
        waba = (await GetAsync($"v25.0/{Seeded.RichWaba}?fields=account_review_status,health_status")).Json;
        Assert.Equal("REJECTED", (string?)waba["account_review_status"]);
        Assert.Equal("BLOCKED", (string?)waba["health_status"]!["can_send_message"]);
        Assert.NotNull(waba["health_status"]!["entities"]![0]!["errors"]![0]!["possible_solution"]);
    }
}
