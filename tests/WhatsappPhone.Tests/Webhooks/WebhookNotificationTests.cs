using System;
using System.IO;
using System.Linq;
using System.Text;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks;
using Xunit;

namespace WhatsappPhone.Tests.Webhooks;

/// <summary>Meta's example payloads (tests/fixtures/webhooks) read into typed events; bad bodies refused whole.</summary>
public class WebhookNotificationTests
{
    private const string Waba = "114503234599312";
    private static readonly DateTimeOffset EntryTime = DateTimeOffset.FromUnixTimeSeconds(1739321024);

    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "webhooks", name + ".json"));

    private static T Single<T>(string fixture) where T : WebhookEvent
    {
        var events = WebhookNotification.Parse(Fixture(fixture));
        var ev = Assert.IsType<T>(Assert.Single(events));
        Assert.Equal(Waba, ev.BusinessAccountId);
        Assert.Matches("^[0-9a-f]{32}$", ev.Id);
        return ev;
    }

    private static string Envelope(string changes, string account = Waba, string time = "1739321024") =>
        $"{{\"object\":\"whatsapp_business_account\",\"entry\":[{{\"id\":\"{account}\",\"time\":{time},\"changes\":[{changes}]}}]}}";

    private static WaWebhookException Refused(string body) =>
        Assert.Throws<WaWebhookException>(() => WebhookNotification.Parse(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void A_throughput_upgrade_has_its_limits_and_the_daily_limit_as_a_number()
    {
        var ev = Single<QualityUpdateEvent>("quality-update-throughput-upgrade");
        Assert.Equal("phone_number_quality_update", ev.Field);
        Assert.Equal(EntryTime, ev.Time);
        Assert.Equal("+15550783881", ev.DisplayPhoneNumber);
        Assert.Null(ev.PhoneNumberId);
        Assert.Equal("THROUGHPUT_UPGRADE", ev.Event);
        Assert.Equal("TIER_UNLIMITED", ev.CurrentLimit);
        Assert.Equal("TIER_10K", ev.OldLimit);
        Assert.Equal("TIER_UNLIMITED", ev.MaxDailyConversationsPerBusiness);
        Assert.Equal(int.MaxValue, ev.DailyMessageLimit);
    }

    [Fact]
    public void An_older_downgrade_takes_the_daily_limit_from_current_limit()
    {
        var ev = Single<QualityUpdateEvent>("quality-update-downgrade-older");
        Assert.Equal("DOWNGRADE", ev.Event);
        Assert.Equal("TIER_1K", ev.CurrentLimit);
        Assert.Null(ev.MaxDailyConversationsPerBusiness);
        Assert.Equal(1000, ev.DailyMessageLimit);
    }

    [Theory]
    [InlineData("FLAGGED", "TIER_250", 250)]
    [InlineData("UNFLAGGED", "TIER_2K", 2000)]
    [InlineData("UPGRADE", "TIER_100K", 100000)]
    [InlineData("ONBOARDING", "TIER_50", 50)]
    [InlineData("SOMETHING_NEW", "TIER_SOMETHING", null)]
    public void Any_quality_event_passes_through_with_the_tier_mapping_of_PhoneNumber(string name, string tier, int? limit)
    {
        var ev = Assert.IsType<QualityUpdateEvent>(Assert.Single(WebhookNotification.Parse(Encoding.UTF8.GetBytes(Envelope(
            $"{{\"field\":\"phone_number_quality_update\",\"value\":{{\"display_phone_number\":\"15550783881\",\"event\":\"{name}\",\"current_limit\":\"{tier}\"}}}}")))));
        Assert.Equal(name, ev.Event);
        Assert.Equal(limit, ev.DailyMessageLimit);
    }

    [Fact]
    public void A_name_update_has_the_decision_and_the_requested_name()
    {
        var ev = Single<NameUpdateEvent>("name-update-approved");
        Assert.Equal("APPROVED", ev.Decision);
        Assert.Equal("Lucky Shrub", ev.RequestedVerifiedName);
        Assert.Null(ev.RejectionReason);
        Assert.Equal("+15550783881", ev.DisplayPhoneNumber);
    }

    [Fact]
    public void Account_updates_have_violation_ban_and_restrictions()
    {
        var violation = Single<AccountUpdateEvent>("account-update-violation");
        Assert.Equal(("ACCOUNT_VIOLATION", "ADULT"), (violation.Event, violation.ViolationType));
        Assert.Empty(violation.Restrictions);

        var ban = Single<AccountUpdateEvent>("account-update-disabled");
        Assert.Equal(("DISABLED_UPDATE", "DISABLE", "April 17, 2025"), (ban.Event, ban.BanState, ban.BanDate));

        var restriction = Single<AccountUpdateEvent>("account-update-restriction");
        Assert.Equal("ACCOUNT_RESTRICTION", restriction.Event);
        var r = Assert.Single(restriction.Restrictions);
        Assert.Equal("RESTRICTED_BIZ_INITIATED_MESSAGING", r.RestrictionType);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1745000000), r.Expiration);
        Assert.Equal("RESTRICTED_BIZ_INITIATED_MESSAGING until 2025-04-18 18:13:20Z", restriction.RestrictionsText);
    }

    [Fact]
    public void Other_account_updates_keep_their_event_and_value()
    {
        var country = Single<AccountUpdateEvent>("account-update-country");
        Assert.Equal("BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE", country.Event);
        Assert.Contains("\"country\": \"IN\"", country.Value);
        var partner = Single<AccountUpdateEvent>("account-update-partner-added");
        Assert.Equal("PARTNER_ADDED", partner.Event);
        Assert.Contains("owner_business_id", partner.Value);
    }

    [Fact]
    public void A_review_update_has_the_decision()
    {
        var ev = Single<AccountReviewUpdateEvent>("account-review-update");
        Assert.Equal("APPROVED", ev.Decision);
        Assert.Null(ev.Event);
        Assert.Null(ev.DisplayPhoneNumber);
    }

    [Fact]
    public void A_security_change_has_the_event_and_requester()
    {
        var ev = Single<SecurityEvent>("security-pin-changed");
        Assert.Equal(("PIN_CHANGED", "...", "+15550783881"), (ev.Event, ev.Requester, ev.DisplayPhoneNumber));
    }

    [Fact]
    public void An_alert_about_a_number_has_its_details_and_the_number_id()
    {
        var ev = Single<AccountAlertEvent>("account-alerts");
        Assert.Equal(("PHONE_NUMBER", "<id>", "WARNING", "ACTIVE", "PROFILE_PICTURE_LOST", "..."),
            (ev.EntityType, ev.EntityId, ev.Severity, ev.Status, ev.AlertType, ev.Description));
        Assert.Equal("<id>", ev.PhoneNumberId);
    }

    [Fact]
    public void A_messages_change_gives_only_its_routing_and_counts()
    {
        var ev = Single<MessagesEvent>("messages");
        Assert.Equal("106540352242922", ev.PhoneNumberId);
        Assert.Equal("+15550783881", ev.DisplayPhoneNumber);
        Assert.Equal((1, 2), (ev.MessageCount, ev.StatusCount));
        Assert.Null(ev.Time); // Meta's messages entries carry no time
    }

    [Fact]
    public void A_batch_gives_one_event_per_change_in_order_with_each_entrys_account()
    {
        var events = WebhookNotification.Parse(Fixture("batch-several-entries"));
        Assert.Equal(new[] { "phone_number_quality_update", "security", "phone_number_name_update", "account_update", "account_review_update" }, events.Select(e => e.Field));
        Assert.Equal(new[] { Waba, Waba, Waba, "104996122399160", "104996122399160" }, events.Select(e => e.BusinessAccountId));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1739321087), events[3].Time);
        Assert.Equal(5, events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void A_change_delivered_again_has_the_same_id_however_it_is_batched_or_spaced()
    {
        var single = Assert.Single(WebhookNotification.Parse(Fixture("security-pin-changed")));
        var inBatch = WebhookNotification.Parse(Fixture("batch-several-entries"))[1];
        Assert.Equal(single.Id, inBatch.Id);
        Assert.Equal(single.Id, WebhookNotification.Parse(Fixture("security-pin-changed"))[0].Id);

        var compact = Envelope("{\"field\":\"security\",\"value\":{\"event\":\"PIN_CHANGED\",\"requester\":\"caf\\u00e9\"}}");
        var spaced = Envelope("{ \"field\": \"security\",\n  \"value\": { \"event\": \"PIN_CHANGED\", \"requester\": \"café\" } }");
        Assert.Equal(WebhookNotification.Parse(Encoding.UTF8.GetBytes(compact))[0].Id, WebhookNotification.Parse(Encoding.UTF8.GetBytes(spaced))[0].Id);
    }

    [Fact]
    public void A_different_change_time_or_account_has_another_id()
    {
        const string Change = "{\"field\":\"security\",\"value\":{\"event\":\"PIN_CHANGED\"}}";
        var ids = new[]
        {
            Envelope(Change),
            Envelope(Change, time: "1739321025"),
            Envelope(Change, account: "104996122399160"),
            Envelope("{\"field\":\"security\",\"value\":{\"event\":\"PIN_RESET_REQUEST\"}}"),
        }.Select(b => WebhookNotification.Parse(Encoding.UTF8.GetBytes(b))[0].Id);
        Assert.Equal(4, ids.Distinct().Count());
    }

    [Fact]
    public void Value_is_the_raw_json_as_received()
    {
        const string Value = "{\"event\":\"X\",\"link\":\"https:\\/\\/a.example\\/b\",\"n\":\"caf\\u00e9\"}";
        var ev = WebhookNotification.Parse(Encoding.UTF8.GetBytes(Envelope($"{{\"field\":\"security\",\"value\":{Value}}}")))[0];
        Assert.Equal(Value, ev.Value);
    }

    [Theory]
    [InlineData("{\"field\":\"message_template_status_update\",\"value\":{\"event\":\"APPROVED\",\"message_template_id\":12345678}}", "message_template_status_update", "APPROVED")]
    [InlineData("{\"field\":\"security\",\"value\":\"not an object\"}", "security", null)]
    [InlineData("{\"value\":{\"event\":\"X\"}}", null, "X")]
    [InlineData("{\"field\":\"account_update\",\"value\":{\"event\":\"ACCOUNT_OFFBOARDED\"}}", "account_update", "ACCOUNT_OFFBOARDED")]
    public void An_unknown_field_or_shape_is_an_event_with_its_value_never_an_error(string change, string? field, string? name)
    {
        var ev = Assert.Single(WebhookNotification.Parse(Encoding.UTF8.GetBytes(Envelope(change))));
        Assert.Equal(field, ev.Field);
        Assert.Equal(name, ev.Event);
        Assert.False(string.IsNullOrEmpty(ev.Value));
    }

    [Theory]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[", WaWebhookException.MalformedJson, "not valid JSON")]
    [InlineData("<html>502</html>", WaWebhookException.MalformedJson, "not valid JSON")]
    [InlineData("", WaWebhookException.MalformedJson, "not valid JSON")]
    [InlineData("[]", WaWebhookException.NotWhatsAppNotification, "an array")]
    [InlineData("{\"object\":\"page\",\"entry\":[]}", WaWebhookException.NotWhatsAppNotification, "\"page\"")]
    [InlineData("{\"entry\":[]}", WaWebhookException.NotWhatsAppNotification, "no \"object\"")]
    [InlineData("{\"object\":\"whatsapp_business_account\"}", WaWebhookException.NotWhatsAppNotification, "no \"entry\" array")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[]},{\"id\":\"2\"}]}", WaWebhookException.NotWhatsAppNotification, "entry[1] has no \"changes\"")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"security\",\"value\":{}},7]}]}", WaWebhookException.NotWhatsAppNotification, "entry[0].changes[1] is a number")]
    public void A_body_that_is_not_a_notification_is_refused_whole_saying_why(string body, string errorId, string says)
    {
        var ex = Refused(body);
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Contains(says, ex.Message);
    }

    [Theory]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"object\":\"whatsapp_business_account\",\"entry\":[]}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"security\",\"value\":{}}],\"changes\":[]}]}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"security\",\"value\":{\"event\":\"A\",\"\\u0065vent\":\"B\"}}]}]}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"security\",\"value\":{\"a\":[{\"b\":{\"c\":1,\"c\":2}}]}}]}]}")]
    public void A_property_named_twice_in_one_object_anywhere_in_the_body_is_refused(string body)
    {
        var ex = Refused(body);
        Assert.Equal(WaWebhookException.DuplicateProperty, ex.ErrorId);
        Assert.Contains("twice", ex.Message);
    }

    [Fact]
    public void The_same_name_in_different_objects_is_no_duplicate() =>
        Assert.Equal(2, WebhookNotification.Parse(Encoding.UTF8.GetBytes(Envelope(
            "{\"field\":\"security\",\"value\":{\"event\":\"A\",\"x\":{\"event\":\"B\"}}},{\"field\":\"security\",\"value\":{\"event\":\"C\"}}"))).Count);

    [Fact]
    public void Malformed_json_with_a_duplicate_before_the_fault_is_refused_as_malformed() =>
        Assert.Equal(WaWebhookException.MalformedJson, Refused("{\"a\":1,\"a\":2,").ErrorId);

    private static string Changes(int count) =>
        string.Join(",", Enumerable.Range(0, count).Select(i => $"{{\"field\":\"security\",\"value\":{{\"event\":\"E{i}\"}}}}"));

    [Fact]
    public void A_notification_of_a_thousand_changes_is_read_and_one_more_is_refused()
    {
        Assert.Equal(1000, WebhookNotification.MaxEvents);
        Assert.Equal(1000, WebhookNotification.Parse(Encoding.UTF8.GetBytes(Envelope(Changes(1000)))).Count);
        var ex = Refused(Envelope(Changes(1001)));
        Assert.Equal(WaWebhookException.TooManyEvents, ex.ErrorId);
        Assert.Contains("1,001 changes", ex.Message);
        Assert.Contains("1,000", ex.Message);
    }

    [Fact]
    public void The_changes_of_all_entries_count_together()
    {
        var entry = $"{{\"id\":\"{Waba}\",\"time\":1739321024,\"changes\":[{Changes(500)}]}}";
        var extra = $"{{\"id\":\"{Waba}\",\"time\":1739321024,\"changes\":[{Changes(1)}]}}";
        Assert.Equal(1000, WebhookNotification.Parse(Encoding.UTF8.GetBytes($"{{\"object\":\"whatsapp_business_account\",\"entry\":[{entry},{entry}]}}")).Count);
        Assert.Equal(WaWebhookException.TooManyEvents, Refused($"{{\"object\":\"whatsapp_business_account\",\"entry\":[{entry},{extra},{entry}]}}").ErrorId);
    }

    [Fact]
    public void A_megabyte_of_empty_changes_is_refused_before_any_event_is_built()
    {
        // 349,000 changes in 1 MiB: building their events allocated about 300 MB; counting them, only the parse.
        var body = Envelope(string.Join(",", Enumerable.Repeat("{}", 349_000)));
        Assert.True(body.Length <= WebhookNotification.MaxBodyBytes);
        var bytes = Encoding.UTF8.GetBytes(body);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<WaWebhookException>(() => WebhookNotification.Parse(bytes));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(WaWebhookException.TooManyEvents, ex.ErrorId);
        Assert.Contains("349,000 changes", ex.Message);
        Assert.True(allocated < 40_000_000, $"{allocated:N0} bytes allocated");
    }

    [Fact]
    public void A_body_at_the_cap_is_read_and_one_byte_more_is_refused()
    {
        var notification = Encoding.UTF8.GetString(Fixture("security-pin-changed"));
        var atCap = notification + new string(' ', WebhookNotification.MaxBodyBytes - Encoding.UTF8.GetByteCount(notification));
        Assert.Single(WebhookNotification.Parse(Encoding.UTF8.GetBytes(atCap)));
        var ex = Refused(atCap + " ");
        Assert.Equal(WaWebhookException.TooLarge, ex.ErrorId);
        Assert.Contains("1,048,577 bytes", ex.Message);
    }

    /// <summary>C1 controls (a CSI) and bidirectional overrides: JSON lets them stand unescaped, inside any value.</summary>
    private const string Unsafe = "\u009b2J\u202eevil\u2066\u0085";

    private static bool IsUnsafe(char c) =>
        c < ' ' || (c >= '\u007f' && c <= '\u009f') || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');

    [Theory]
    [InlineData("phone_number_quality_update")]
    [InlineData("phone_number_name_update")]
    [InlineData("account_update")]
    [InlineData("account_review_update")]
    [InlineData("security")]
    [InlineData("account_alerts")]
    [InlineData("messages")]
    [InlineData("some_future_field")]
    public void Every_text_property_of_every_event_is_clean_even_from_a_value_that_is_not_a_string(string field)
    {
        // Every key any event reads, each an object or array whose JSON text holds the characters.
        var odd = $"{{\"x\":\"{Unsafe}\"}}";
        var list = $"[\"{Unsafe}\"]";
        var keys = new[] { "event", "display_phone_number", "current_limit", "old_limit", "max_daily_conversations_per_business", "decision",
            "requested_verified_name", "rejection_reason", "violation_type", "waba_ban_state", "waba_ban_date", "requester", "entity_type", "entity_id" };
        var value = "{" + string.Join(",", keys.Select((k, i) => $"\"{k}\":{(i % 2 == 0 ? odd : list)}")) +
            $",\"violation_info\":{{\"violation_type\":{odd}}},\"ban_info\":{{\"waba_ban_state\":{list},\"waba_ban_date\":{odd}}}" +
            $",\"restriction_info\":[{{\"restriction_type\":{odd},\"expiration\":1745000000}}]" +
            $",\"alert_info\":{{\"alert_severity\":{odd},\"alert_status\":{list},\"alert_type\":{odd},\"alert_description\":{list}}}" +
            $",\"metadata\":{{\"phone_number_id\":{odd},\"display_phone_number\":{list}}}}}";
        var body = $"{{\"object\":\"whatsapp_business_account\",\"entry\":[{{\"id\":{odd},\"time\":1739321024,\"changes\":[" +
            $"{{\"field\":\"{field}\",\"value\":{value}}},{{\"field\":{list},\"value\":{value}}}]}}]}}";

        var events = WebhookNotification.Parse(Encoding.UTF8.GetBytes(body));
        Assert.Equal(2, events.Count);
        var texts = events.SelectMany(ev => ev.GetType().GetProperties()
                .Where(p => p.PropertyType == typeof(string) && p.Name is not nameof(WebhookEvent.Value) and not nameof(AccountUpdateEvent.RestrictionsText))
                .Select(p => (Name: p.Name, Text: (string?)p.GetValue(ev))))
            .Concat(events.OfType<AccountUpdateEvent>().SelectMany(a => a.Restrictions).Select(r => (Name: "RestrictionType", Text: r.RestrictionType)))
            .ToList();
        Assert.Contains(texts, t => t.Name == nameof(WebhookEvent.Event) && t.Text is { Length: > 0 });
        Assert.Contains(texts, t => t.Name == nameof(WebhookEvent.BusinessAccountId) && t.Text is { Length: > 0 });
        foreach (var (name, text) in texts) Assert.False(text?.Any(IsUnsafe) ?? false, $"{name}: {text}");
        Assert.Contains(Unsafe, events[0].Value); // Value is the JSON as received
    }

    [Fact]
    public void The_refusal_of_an_untrusted_object_name_has_no_control_or_bidi_character()
    {
        var ex = Refused($"{{\"object\":\"{Unsafe}page\",\"entry\":[]}}");
        Assert.Contains("evilpage", ex.Message);
        Assert.False(ex.Message.Any(IsUnsafe), ex.Message);
    }

    [Fact]
    public void The_refusal_of_an_untrusted_object_name_is_short_and_clean()
    {
        var ex = Refused("{\"object\":\"\\u0007\\r\\n" + new string('x', 500) + "\",\"entry\":[]}");
        Assert.True(ex.Message.Length < 250, ex.Message);
        Assert.False(ex.Message.Any(char.IsControl), ex.Message);
    }
}
