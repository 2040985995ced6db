using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using WhatsappPhone.Api;
using WhatsappPhone.Changes;
using WhatsappPhone.Models;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests.Changes;

/// <summary>
/// The changes between two snapshots. Numbers are the recorded Graph answer with some of Graph's
/// fields set to other documented values, read by the module's own mapper, as Get-WaPhoneNumber does.
/// </summary>
public class PhoneNumberComparisonTests
{
    private const string RecordedId = "107878721936019";

    /// <summary>The recorded number with Graph fields replaced: ("quality_rating", "RED"); a value starting with { is a JSON object.</summary>
    private static NumberSnapshot Number(params (string Field, object? Value)[] fields) => NumberSnapshot.FromPhoneNumber(Parse(fields));

    private static PhoneNumber Parse(params (string Field, object? Value)[] fields)
    {
        var json = JsonNode.Parse(Recorded("registered_number_with_success_response"))!.AsObject();
        foreach (var (field, value) in fields)
        {
            json[field] = value switch
            {
                null => null,
                string text when text.StartsWith("{") => JsonNode.Parse(text),
                _ => JsonValue.Create(value),
            };
        }

        return PhoneNumberJson.Read(JsonDocument.Parse(json.ToJsonString()).RootElement, "114503234599312");
    }

    /// <summary>An Import-Csv row: every cell a string, empty for $null.</summary>
    private static NumberSnapshot Row(string id, params (string Property, string Cell)[] cells) =>
        new NumberSnapshot(id, cells.ToDictionary(c => c.Property, c => NumberSnapshot.Text(c.Cell), StringComparer.OrdinalIgnoreCase));

    private static IReadOnlyList<PhoneNumberChange> Changes(NumberSnapshot before, NumberSnapshot after) =>
        PhoneNumberComparison.Compare(new[] { before }, new[] { after }).Changes;

    [Theory]
    [InlineData("GREEN", "YELLOW", PhoneNumberChangeType.QualityDown, ChangeSeverity.Warning)]
    [InlineData("YELLOW", "RED", PhoneNumberChangeType.QualityDown, ChangeSeverity.Error)]
    [InlineData("GREEN", "RED", PhoneNumberChangeType.QualityDown, ChangeSeverity.Error)]
    [InlineData("RED", "YELLOW", PhoneNumberChangeType.QualityUp, ChangeSeverity.Information)]
    [InlineData("YELLOW", "GREEN", PhoneNumberChangeType.QualityUp, ChangeSeverity.Information)]
    [InlineData("GREEN", "UNKNOWN", PhoneNumberChangeType.QualityChanged, ChangeSeverity.Information)]
    [InlineData("NA", "GREEN", PhoneNumberChangeType.QualityChanged, ChangeSeverity.Information)]
    [InlineData("UNKNOWN", "RED", PhoneNumberChangeType.QualityChanged, ChangeSeverity.Error)]
    public void Quality_going_green_yellow_red_is_down_and_unranked_values_are_neither(string from, string to, PhoneNumberChangeType change, ChangeSeverity severity)
    {
        var c = Assert.Single(Changes(Number(("quality_rating", from)), Number(("quality_rating", to))));

        Assert.Equal(change, c.Change);
        Assert.Equal(severity, c.Severity);
        Assert.Equal("QualityRating", c.Property);
        Assert.Equal(from, c.OldValue);
        Assert.Equal(to, c.NewValue);
        Assert.Equal(RecordedId, c.PhoneNumberId);
        Assert.Equal("+1 555-093-4873", c.DisplayPhoneNumber);
        Assert.Equal("114503234599312", c.BusinessAccountId);
    }

    [Theory]
    [InlineData("TIER_250", "TIER_1K", PhoneNumberChangeType.LimitUp, ChangeSeverity.Information)]
    [InlineData("TIER_10K", "TIER_2K", PhoneNumberChangeType.LimitDown, ChangeSeverity.Warning)]
    [InlineData("TIER_UNLIMITED", "TIER_100K", PhoneNumberChangeType.LimitDown, ChangeSeverity.Warning)]
    [InlineData("TIER_100K", "TIER_UNLIMITED", PhoneNumberChangeType.LimitUp, ChangeSeverity.Information)]
    [InlineData("TIER_250", "TIER_SOMETHING_NEW", PhoneNumberChangeType.LimitChanged, ChangeSeverity.Information)]
    public void A_limit_change_is_ordered_by_conversations_a_day_and_shown_as_the_tier(string from, string to, PhoneNumberChangeType change, ChangeSeverity severity)
    {
        var c = Assert.Single(Changes(
            Number(("whatsapp_business_manager_messaging_limit", from)),
            Number(("whatsapp_business_manager_messaging_limit", to))));

        Assert.Equal(change, c.Change);
        Assert.Equal(severity, c.Severity);
        Assert.Equal("MessagingLimitTier", c.Property);
        Assert.Equal((from, to), (c.OldValue, c.NewValue));
    }

    [Fact]
    public void Rows_without_the_tier_compare_daily_message_limit_as_a_number_not_as_text()
    {
        // As text "1000" < "250"; as numbers it is the other way round.
        var c = Assert.Single(Changes(Row("1", ("DailyMessageLimit", "1000")), Row("1", ("DailyMessageLimit", "250"))));

        Assert.Equal(PhoneNumberChangeType.LimitDown, c.Change);
        Assert.Equal("DailyMessageLimit", c.Property);
        Assert.Equal(("1000", "250"), (c.OldValue, c.NewValue));
    }

    [Fact]
    public void Rows_with_only_the_tier_are_ordered_by_the_modules_tier_numbers()
    {
        var c = Assert.Single(Changes(Row("1", ("MessagingLimitTier", "TIER_2K")), Row("1", ("MessagingLimitTier", "TIER_1K"))));

        Assert.Equal(PhoneNumberChangeType.LimitDown, c.Change);
    }

    [Theory]
    [InlineData("CONNECTED", "DISCONNECTED", ChangeSeverity.Error)]
    [InlineData("CONNECTED", "RATE_LIMITED", ChangeSeverity.Error)]
    [InlineData("DISCONNECTED", "BANNED", ChangeSeverity.Error)]
    [InlineData("DISCONNECTED", "DELETED", ChangeSeverity.Error)]
    [InlineData("DISCONNECTED", "CONNECTED", ChangeSeverity.Information)]
    [InlineData("PENDING", "UNVERIFIED", ChangeSeverity.Information)]
    public void A_status_leaving_connected_or_becoming_banned_restricted_flagged_or_deleted_is_an_error(string from, string to, ChangeSeverity severity)
    {
        var c = Assert.Single(Changes(Number(("status", from)), Number(("status", to))));

        Assert.Equal(PhoneNumberChangeType.StatusChanged, c.Change);
        Assert.Equal(severity, c.Severity);
        Assert.Equal(("Status", from, to), (c.Property, c.OldValue, c.NewValue));
    }

    [Theory]
    [InlineData("name_status", "APPROVED", "DECLINED", "NameStatus", PhoneNumberChangeType.NameStatusChanged, ChangeSeverity.Error)]
    [InlineData("name_status", "PENDING_REVIEW", "APPROVED", "NameStatus", PhoneNumberChangeType.NameStatusChanged, ChangeSeverity.Information)]
    [InlineData("new_name_status", "NONE", "PENDING_REVIEW", "NewNameStatus", PhoneNumberChangeType.NameStatusChanged, ChangeSeverity.Information)]
    [InlineData("new_name_status", "PENDING_REVIEW", "DECLINED", "NewNameStatus", PhoneNumberChangeType.NameStatusChanged, ChangeSeverity.Warning)]
    [InlineData("verified_name", "Test Number", "Jasper's Deli", "VerifiedName", PhoneNumberChangeType.VerifiedNameChanged, ChangeSeverity.Warning)]
    [InlineData("code_verification_status", "VERIFIED", "EXPIRED", "CodeVerificationStatus", PhoneNumberChangeType.VerificationChanged, ChangeSeverity.Warning)]
    [InlineData("code_verification_status", "NOT_VERIFIED", "VERIFIED", "CodeVerificationStatus", PhoneNumberChangeType.VerificationChanged, ChangeSeverity.Information)]
    [InlineData("platform_type", "CLOUD_API", "NOT_APPLICABLE", "PlatformType", PhoneNumberChangeType.PropertyChanged, ChangeSeverity.Information)]
    [InlineData("account_mode", "SANDBOX", "LIVE", "AccountMode", PhoneNumberChangeType.PropertyChanged, ChangeSeverity.Information)]
    public void Other_properties_change_with_their_own_kind_and_severity(string field, string from, string to, string property, PhoneNumberChangeType change, ChangeSeverity severity)
    {
        var c = Assert.Single(Changes(Number((field, from)), Number((field, to))));

        Assert.Equal((property, from, to), (c.Property, c.OldValue, c.NewValue));
        Assert.Equal(change, c.Change);
        Assert.Equal(severity, c.Severity);
    }

    [Theory]
    [InlineData("AVAILABLE", "BLOCKED", ChangeSeverity.Error)]
    [InlineData("AVAILABLE", "LIMITED", ChangeSeverity.Warning)]
    [InlineData("LIMITED", "AVAILABLE", ChangeSeverity.Information)]
    public void Health_status_changes_are_as_severe_as_the_new_state(string from, string to, ChangeSeverity severity)
    {
        NumberSnapshot WithHealth(string can) => Number(("health_status", $"{{\"can_send_message\":\"{can}\",\"entities\":[]}}"));

        var c = Assert.Single(Changes(WithHealth(from), WithHealth(to)));

        Assert.Equal(PhoneNumberChangeType.HealthChanged, c.Change);
        Assert.Equal(severity, c.Severity);
    }

    [Fact]
    public void Throughput_and_booleans_change_and_are_reported_as_csv_writes_them()
    {
        var changes = Changes(
            Number(("throughput", "{\"level\":\"STANDARD\"}"), ("is_pin_enabled", true)),
            Number(("throughput", "{\"level\":\"HIGH\"}"), ("is_pin_enabled", false)));

        Assert.Equal(new[] { "ThroughputLevel STANDARD HIGH ThroughputChanged Information", "IsPinEnabled True False PropertyChanged Information" },
            changes.Select(c => $"{c.Property} {c.OldValue} {c.NewValue} {c.Change} {c.Severity}"));
    }

    [Fact]
    public void A_number_and_its_csv_row_are_the_same_state()
    {
        var number = Parse(("quality_rating", "YELLOW"));
        var row = Row(number.Id,
            NumberSnapshot.Properties.Select(p => (p, typeof(PhoneNumber).GetProperty(p)!.GetValue(number) switch
            {
                null => "",
                bool b => b ? "True" : "False",
                var v => v.ToString()!,
            })).ToArray());

        Assert.Empty(Changes(NumberSnapshot.FromPhoneNumber(number), row));
        Assert.Empty(Changes(row, NumberSnapshot.FromPhoneNumber(number)));
    }

    [Fact]
    public void A_property_only_one_snapshot_kept_is_no_change()
    {
        var narrow = Row(RecordedId, ("Status", "DISCONNECTED"), ("QualityRating", "GREEN"));

        Assert.Empty(Changes(narrow, Number()));
        Assert.Equal("QualityRating", Assert.Single(Changes(narrow, Number(("quality_rating", "RED")))).Property);
    }

    [Fact]
    public void Removed_numbers_come_in_reference_order_and_added_ones_after_them_in_current_order()
    {
        var reference = new[] { Row("3", ("Status", "CONNECTED")), Row("1", ("Status", "CONNECTED")), Row("2", ("Status", "CONNECTED")) };
        var current = new[] { Row("5"), Row("2", ("Status", "BANNED")), Row("4") };

        var changes = PhoneNumberComparison.Compare(reference, current).Changes;

        Assert.Equal(new[] { "3 Removed Error", "1 Removed Error", "2 StatusChanged Error", "5 Added Information", "4 Added Information" },
            changes.Select(c => $"{c.PhoneNumberId} {c.Change} {c.Severity}"));
        Assert.All(changes.Where(c => c.Change is PhoneNumberChangeType.Added or PhoneNumberChangeType.Removed),
            c => Assert.Null(c.Property));
    }

    [Fact]
    public void Changes_between_snapshots_say_so_and_a_comparison_for_a_watch_carries_its_source()
    {
        var reference = new[] { Row("1", ("Status", "CONNECTED")), Row("2") };
        var current = new[] { Row("1", ("Status", "BANNED")), Row("3") };

        Assert.All(PhoneNumberComparison.Compare(reference, current).Changes, c => Assert.Equal(ChangeSource.Snapshot, c.Source));
        var polled = PhoneNumberComparison.Compare(reference, current, ChangeSource.Poll).Changes;
        Assert.Equal(3, polled.Count);
        Assert.All(polled, c => Assert.Equal(ChangeSource.Poll, c.Source));
    }

    [Fact]
    public void One_number_with_several_changes_reports_them_in_a_fixed_order()
    {
        var changes = Changes(
            Number(("quality_rating", "GREEN"), ("status", "CONNECTED"), ("messaging_limit_tier", "TIER_1K"), ("name_status", "APPROVED")),
            Number(("quality_rating", "RED"), ("status", "FLAGGED"), ("messaging_limit_tier", "TIER_250"), ("name_status", "DECLINED")));

        Assert.Equal(new[] { "Status", "QualityRating", "MessagingLimitTier", "NameStatus" }, changes.Select(c => c.Property));
    }

    [Fact]
    public void A_duplicated_id_is_reported_and_not_compared_while_the_other_numbers_are()
    {
        var reference = new[] { Row("1", ("Status", "CONNECTED")), Row("2", ("Status", "CONNECTED")), Row("2", ("Status", "BANNED")) };
        var current = new[] { Row("1", ("Status", "BANNED")), Row("2", ("Status", "CONNECTED")), Row("3"), Row("3"), Row("3") };

        var result = PhoneNumberComparison.Compare(reference, current);

        Assert.Equal(new[] { "2 True 2", "3 False 3" }, result.Duplicates.Select(d => $"{d.Id} {d.InReference} {d.Count}"));
        var c = Assert.Single(result.Changes);
        Assert.Equal(("1", PhoneNumberChangeType.StatusChanged), (c.PhoneNumberId, c.Change));
    }

    [Fact]
    public void Identical_snapshots_have_no_changes_and_booleans_compare_whatever_their_case()
    {
        Assert.Empty(Changes(Number(), Number()));
        Assert.Empty(Changes(Row("1", ("IsPinEnabled", "true")), Row("1", ("IsPinEnabled", "True"))));
        Assert.Empty(PhoneNumberComparison.Compare(Array.Empty<NumberSnapshot>(), Array.Empty<NumberSnapshot>()).Changes);
    }
}
