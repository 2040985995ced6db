using System.Linq;
using System.Text.Json;
using WhatsappPhone.Api;
using WhatsappPhone.Models;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests;

/// <summary>How Graph's phone-number objects become PhoneNumber objects.</summary>
public class PhoneNumberJsonTests
{
    private static PhoneNumber Parse(string json, string? waba = null) => PhoneNumberJson.Read(JsonDocument.Parse(json).RootElement, waba);

    [Fact]
    public void The_recorded_number_parses_into_every_typed_property()
    {
        var n = Parse(Recorded("registered_number_with_success_response"));
        Assert.Equal("107878721936019", n.Id);
        Assert.Equal("+1 555-093-4873", n.DisplayPhoneNumber);
        Assert.Equal("Test Number", n.VerifiedName);
        Assert.Equal("DISCONNECTED", n.Status);
        Assert.Equal("GREEN", n.QualityRating);
        Assert.Equal("TIER_250", n.MessagingLimitTier);
        Assert.Equal(250, n.DailyMessageLimit);
        Assert.Equal("NOT_VERIFIED", n.CodeVerificationStatus);
        Assert.Equal("AVAILABLE_WITHOUT_REVIEW", n.NameStatus);
        Assert.Equal("NONE", n.NewNameStatus);
        Assert.Equal("SANDBOX", n.AccountMode);
        Assert.False(n.IsOfficialBusinessAccount);
        Assert.True(n.IsPinEnabled);
        Assert.Null(n.PlatformType);
        Assert.Null(n.BusinessAccountId);
    }

    [Fact]
    public void Unknown_fields_are_ignored_and_unknown_enum_values_pass_through()
    {
        var n = Parse("{\"id\":\"1\",\"status\":\"SOME_NEW_STATUS\",\"quality_rating\":\"PURPLE\",\"brand_new\":{\"x\":[1,2]},\"is_pin_enabled\":null}");
        Assert.Equal("SOME_NEW_STATUS", n.Status);
        Assert.Equal("PURPLE", n.QualityRating);
        Assert.Null(n.IsPinEnabled);
        Assert.Null(n.AdditionalFields);
    }

    [Fact]
    public void Requested_extra_fields_are_kept_as_text()
    {
        var n = PhoneNumberJson.Read(JsonDocument.Parse("{\"id\":\"1\",\"is_on_biz_app\":true,\"webhook_configuration\":{\"application\":\"https://x\"}}").RootElement,
            null, new[] { "is_on_biz_app", "webhook_configuration" });
        Assert.Equal("true", n.AdditionalFields!["is_on_biz_app"]);
        Assert.Equal("{\"application\":\"https://x\"}", n.AdditionalFields["webhook_configuration"]);
    }

    [Theory]
    [InlineData("TIER_50", 50)]
    [InlineData("TIER_250", 250)]
    [InlineData("TIER_1K", 1000)]
    [InlineData("TIER_2K", 2000)]
    [InlineData("TIER_10K", 10000)]
    [InlineData("TIER_100K", 100000)]
    [InlineData("TIER_UNLIMITED", int.MaxValue)]
    [InlineData("TIER_NOT_SET", null)]
    [InlineData("SOMETHING", null)]
    public void Messaging_limit_tiers_become_a_comparable_daily_limit(string tier, int? expected)
    {
        Assert.Equal(expected, Parse($"{{\"id\":\"1\",\"whatsapp_business_manager_messaging_limit\":\"{tier}\"}}").DailyMessageLimit);
        Assert.Equal(tier, Parse($"{{\"id\":\"1\",\"messaging_limit_tier\":\"{tier}\"}}").MessagingLimitTier);
    }

    [Fact]
    public void The_new_limit_field_wins_over_the_deprecated_one_whatever_the_order()
    {
        Assert.Equal("TIER_2K", Parse("{\"id\":\"1\",\"messaging_limit_tier\":\"TIER_1K\",\"whatsapp_business_manager_messaging_limit\":\"TIER_2K\"}").MessagingLimitTier);
        Assert.Equal("TIER_2K", Parse("{\"id\":\"1\",\"whatsapp_business_manager_messaging_limit\":\"TIER_2K\",\"messaging_limit_tier\":\"TIER_1K\"}").MessagingLimitTier);
    }

    [Fact]
    public void Throughput_health_and_onboarding_time_are_flattened()
    {
        var n = Parse(@"{""id"":""1"",""throughput"":{""level"":""HIGH""},""last_onboarded_time"":""2024-05-01T12:30:00+0000"",
                ""health_status"":{""can_send_message"":""BLOCKED"",""entities"":[
                  {""entity_type"":""PHONE_NUMBER"",""id"":""1"",""can_send_message"":""AVAILABLE""},
                  {""entity_type"":""WABA"",""id"":""2"",""can_send_message"":""BLOCKED"",""errors"":[{""error_code"":141010,""error_description"":""The Business has not passed business verification."",""possible_solution"":""Verify the business.""}]}]}}");
        Assert.Equal("HIGH", n.ThroughputLevel);
        Assert.Equal(new System.DateTimeOffset(2024, 5, 1, 12, 30, 0, System.TimeSpan.Zero), n.LastOnboardedTime);
        Assert.Equal("BLOCKED", n.HealthStatus);
        Assert.Equal("WABA 2: 141010 The Business has not passed business verification.", n.HealthIssues);
    }

    [Fact]
    public void Every_property_is_a_plain_value_so_csv_export_never_writes_a_type_name()
    {
        var plain = new[] { typeof(string), typeof(int?), typeof(bool), typeof(bool?), typeof(System.DateTimeOffset?) };
        var offenders = typeof(PhoneNumber).GetProperties().Where(p => p.GetMethod!.IsPublic && !plain.Contains(p.PropertyType)).Select(p => p.Name);
        Assert.Empty(offenders);
    }
}
