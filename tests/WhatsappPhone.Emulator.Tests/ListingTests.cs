using System.Text.Json.Nodes;

namespace WhatsappPhone.Emulator.Tests;

public sealed class ListingTests : EmulatorTest
{
    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-5")]
    [InlineData("ten")]
    public async Task A_limit_outside_1_to_100_is_refused_with_code_100(string limit)
    {
        var error = AssertGraphError(await GetAsync($"v25.0/{Seeded.RichWaba}/phone_numbers?limit={limit}"), 400, 100);

        Assert.Contains("limit", (string?)error["message"]);
    }

    [Fact]
    public async Task Summary_total_count_counts_the_whole_list_not_the_page()
    {
        var answer = await GetAsync($"v25.0/{Seeded.RichWaba}/phone_numbers?limit=2&summary=total_count");

        Assert.Equal(2, answer.Json["data"]!.AsArray().Count);
        Assert.Equal(14, (int)answer.Json["summary"]!["total_count"]!);
        Assert.NotNull(answer.Json["paging"]!["next"]);
    }

    [Fact]
    public async Task Filtering_on_account_mode_keeps_only_matching_numbers()
    {
        var filter = Uri.EscapeDataString("""[{"field":"account_mode","operator":"EQUAL","value":"SANDBOX"}]""");

        var answer = await GetAsync($"v25.0/{Seeded.RichWaba}/phone_numbers?fields=account_mode&summary=total_count&filtering={filter}");

        var item = Assert.Single(answer.Json["data"]!.AsArray());
        Assert.Equal(Seeded.Sandbox, (string?)item!["id"]);
        Assert.Equal(1, (int)answer.Json["summary"]!["total_count"]!);
    }

    [Fact]
    public async Task Filtering_that_is_not_a_supported_json_filter_is_refused_with_code_100()
    {
        var wrongField = Uri.EscapeDataString("""[{"field":"status","operator":"EQUAL","value":"CONNECTED"}]""");

        AssertGraphError(await GetAsync($"v25.0/{Seeded.RichWaba}/phone_numbers?filtering={wrongField}"), 400, 100);
        AssertGraphError(await GetAsync($"v25.0/{Seeded.RichWaba}/phone_numbers?filtering=LIVE"), 400, 100);
    }

    [Fact]
    public async Task Only_the_requested_fields_come_back_in_request_order_with_id_last_when_not_asked_for()
    {
        var answer = await GetAsync($"v25.0/{Seeded.Connected}?fields=status,verified_name,quality_rating");

        Assert.Equal(["status", "verified_name", "quality_rating", "id"], answer.Json.AsObject().Select(p => p.Key));
        Assert.Equal("Jasper's Market", (string?)answer.Json["verified_name"]);
    }

    [Fact]
    public async Task Without_fields_a_number_has_graphs_default_fields()
    {
        var answer = await GetAsync($"v25.0/{Seeded.Connected}");

        Assert.Equal(
            ["verified_name", "code_verification_status", "display_phone_number", "quality_rating", "platform_type", "throughput", "webhook_configuration", "id"],
            answer.Json.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task An_unknown_field_is_refused_naming_the_field_and_node_type()
    {
        var error = AssertGraphError(await GetAsync($"v25.0/{Seeded.RichWaba}/phone_numbers?fields=id,colour"), 400, 100);

        Assert.Equal("(#100) Tried accessing nonexisting field (colour) on node type (WhatsAppBusinessPhoneNumber)", (string?)error["message"]);
    }

    [Theory]
    [InlineData("v23.0", "messaging_limit_tier", "TIER_100K")]
    [InlineData("v24.0", "whatsapp_business_manager_messaging_limit", "TIER_100K")]
    [InlineData("v25.0", "whatsapp_business_manager_messaging_limit", "TIER_100K")]
    [InlineData("v24.0", "messaging_limit_tier", null)]
    [InlineData("v23.0", "whatsapp_business_manager_messaging_limit", null)]
    public async Task The_messaging_limit_field_depends_on_the_api_version(string version, string field, string? expected)
    {
        var answer = await GetAsync($"{version}/{Seeded.Connected}?fields={field}");

        if (expected is null)
        {
            var error = AssertGraphError(answer, 400, 100);
            Assert.Contains($"nonexisting field ({field})", (string?)error["message"]);
        }
        else
        {
            Assert.Equal(expected, (string?)answer.Json[field]);
        }
    }

    [Fact]
    public async Task Throughput_and_health_status_have_the_documented_nested_shape()
    {
        var answer = await GetAsync($"v25.0/{Seeded.Banned}?fields=throughput,health_status{{can_send_message}}");

        Assert.Equal("STANDARD", (string?)answer.Json["throughput"]!["level"]);
        var health = answer.Json["health_status"]!;
        Assert.Equal("BLOCKED", (string?)health["can_send_message"]);
        var phone = health["entities"]!.AsArray().Single(e => (string?)e!["entity_type"] == "PHONE_NUMBER")!;
        Assert.Equal(Seeded.Banned, (string?)phone["id"]);
        var problem = phone["errors"]![0]!;
        Assert.All(new[] { "error_code", "error_description", "possible_solution" }, key => Assert.NotNull(problem[key]));
    }

    [Fact]
    public async Task A_healthy_number_without_seeded_health_reports_available()
    {
        var health = (await GetAsync($"v25.0/{Seeded.ReadyWithoutPin}?fields=health_status")).Json["health_status"]!;

        Assert.Equal("AVAILABLE", (string?)health["can_send_message"]);
        Assert.Contains(health["entities"]!.AsArray(), e => (string?)e!["entity_type"] == "WABA" && (string?)e["id"] == Seeded.RichWaba);
    }

    [Fact]
    public async Task A_business_lists_its_owned_and_client_wabas()
    {
        var owned = await GetAsync($"v25.0/{Seeded.Business}/owned_whatsapp_business_accounts");
        var client = await GetAsync($"v25.0/{Seeded.Business}/client_whatsapp_business_accounts?fields=name");

        var ownedWaba = Assert.Single(owned.Json["data"]!.AsArray())!;
        Assert.Equal(["id", "name", "currency", "timezone_id", "message_template_namespace"], ownedWaba.AsObject().Select(p => p.Key));
        Assert.Equal(Seeded.RecordedWaba, (string?)ownedWaba["id"]);
        Assert.Equal("""[{"name":"Jasper's Market","id":"104996122399160"}]""", client.Json["data"]!.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public async Task A_waba_can_be_read_as_a_node_and_a_number_has_no_phone_numbers_edge()
    {
        var waba = await GetAsync($"v25.0/{Seeded.RichWaba}?fields=id,name,currency");
        var wrongNode = await GetAsync($"v25.0/{Seeded.Connected}/phone_numbers");

        Assert.Equal("EUR", (string?)waba.Json["currency"]);
        var error = AssertGraphError(wrongNode, 400, 100);
        Assert.Contains("(phone_numbers) on node type (WhatsAppBusinessPhoneNumber)", (string?)error["message"]);
    }
}

/// <summary>Paging at scale, over numbers generated with --numbers.</summary>
public sealed class PagingTests : EmulatorTest
{
    private const int Count = 1050;

    protected override EmulatorOptions Options => new() { GeneratedNumbers = Count };

    [Fact]
    public async Task Following_next_links_with_limit_100_yields_every_number_exactly_once()
    {
        var ids = new List<string>();
        var pages = 0;
        var next = $"v25.0/{Emulator.GeneratedWabaId}/phone_numbers?fields=id,status&limit=100";
        while (next is not null)
        {
            var page = (await GetAsync(next)).Json;
            pages++;
            ids.AddRange(page["data"]!.AsArray().Select(item => (string)item!["id"]!));
            next = (string?)page["paging"]?["next"];
            if (next is null) continue;

            Assert.True(Uri.TryCreate(next, UriKind.Absolute, out var uri), $"next is not absolute: {next}");
            Assert.Equal(Emulator.BaseUri.Authority, uri.Authority);
            Assert.Contains("limit=100", next);
            Assert.Contains("fields=id%2Cstatus", next);
        }

        Assert.Equal(11, pages);
        Assert.Equal(Count, ids.Count);
        Assert.Equal(Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Cursors_are_opaque_and_previous_leads_back_to_the_previous_page()
    {
        var first = (await GetAsync($"v25.0/{Emulator.GeneratedWabaId}/phone_numbers?limit=100")).Json;
        var second = (await GetAsync((string)first["paging"]!["next"]!)).Json;
        var back = (await GetAsync((string)second["paging"]!["previous"]!)).Json;

        var firstId = (string)first["data"]![0]!["id"]!;
        var cursor = (string)first["paging"]!["cursors"]!["before"]!;
        Assert.DoesNotContain(firstId, cursor);
        Assert.Null(first["paging"]!["previous"]);
        Assert.Equal(first["data"]!.ToJsonString(), back["data"]!.ToJsonString());
        // A client that builds its own cursor (an index, an ID) is told so.
        AssertGraphError(await GetAsync($"v25.0/{Emulator.GeneratedWabaId}/phone_numbers?after=100"), 400, 100);
        AssertGraphError(await GetAsync($"v25.0/{Emulator.GeneratedWabaId}/phone_numbers?after={firstId}"), 400, 100);
    }

    [Fact]
    public async Task The_default_page_has_25_numbers()
    {
        var page = (await GetAsync($"v25.0/{Emulator.GeneratedWabaId}/phone_numbers")).Json;

        Assert.Equal(25, page["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task Generated_numbers_are_the_same_on_every_start()
    {
        await using var other = await EmulatorHost.StartAsync(Options);
        using var client = new HttpClient { BaseAddress = other.BaseUri };
        client.DefaultRequestHeaders.Authorization = new("Bearer", other.Token);
        var path = $"v25.0/{Seeded.GeneratedWaba}/phone_numbers?fields=display_phone_number,status,quality_rating,account_mode&limit=100";

        var mine = (await GetAsync(path)).Json["data"]!.ToJsonString();
        var theirs = JsonNode.Parse(await client.GetStringAsync(path))!["data"]!.ToJsonString();

        Assert.Equal(Seeded.GeneratedWaba, Emulator.GeneratedWabaId);
        Assert.Equal(mine, theirs);
    }
}
