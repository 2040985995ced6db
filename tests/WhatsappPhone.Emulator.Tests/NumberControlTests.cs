using System.Net;

namespace WhatsappPhone.Emulator.Tests;

public sealed class NumberControlTests : EmulatorTest
{
    [Fact]
    public async Task Setting_fields_changes_what_graph_reads_back_for_the_number()
    {
        var answer = await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}", new
        {
            status = "FLAGGED",
            qualityRating = "RED",
            messagingLimitTier = "TIER_1K",
            whatsappBusinessManagerMessagingLimit = "TIER_2K",
            nameStatus = "DECLINED",
            newNameStatus = "PENDING_REVIEW",
            verifiedName = "Jasper's Deli",
            throughputLevel = "STANDARD",
        });

        Assert.Equal("RED", (string?)answer["quality_rating"]);
        var read = (await GetAsync($"v25.0/{Seeded.Connected}?fields=status,quality_rating,whatsapp_business_manager_messaging_limit,name_status,new_name_status,verified_name,throughput")).Json;
        Assert.Equal("FLAGGED", (string?)read["status"]);
        Assert.Equal("RED", (string?)read["quality_rating"]);
        Assert.Equal("TIER_2K", (string?)read["whatsapp_business_manager_messaging_limit"]);
        Assert.Equal("DECLINED", (string?)read["name_status"]);
        Assert.Equal("PENDING_REVIEW", (string?)read["new_name_status"]);
        Assert.Equal("Jasper's Deli", (string?)read["verified_name"]);
        Assert.Equal("STANDARD", (string?)read["throughput"]!["level"]);
        Assert.Equal("TIER_1K", await OldLimitAsync(Seeded.Connected));
    }

    [Fact]
    public async Task A_body_with_one_bad_value_is_refused_and_changes_nothing()
    {
        var answer = await ControlRawAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}", new { qualityRating = "RED", status = "ONLINE" });

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("status must be one of", (string?)answer.Json["error"]);
        Assert.Equal("GREEN", await FieldAsync(Seeded.Connected, "quality_rating"));
        Assert.Equal("CONNECTED", await FieldAsync(Seeded.Connected, "status"));
    }

    [Theory]
    [InlineData("{\"messagingLimitTier\":\"250\"}", "messagingLimitTier must be a tier")]
    [InlineData("{\"qualityRating\":\"green\"}", "qualityRating must be one of GREEN")]
    [InlineData("{\"pin\":\"123456\"}", "pin is not a field this route sets")]
    [InlineData("{\"status\":null}", "status must be a string")]
    [InlineData("{}", "one or more of")]
    public async Task Unknown_fields_and_values_outside_graphs_vocabulary_are_refused(string body, string message)
    {
        var answer = await SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(Emulator.ControlUri, $"numbers/{Seeded.Connected}"))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        });

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains(message, (string?)answer.Json["error"]);
    }

    [Fact]
    public async Task An_unknown_number_is_404_and_reset_undoes_changes()
    {
        var unknown = await ControlRawAsync(HttpMethod.Post, "numbers/999999999", new { qualityRating = "RED" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);

        await ControlAsync(HttpMethod.Post, $"numbers/{Seeded.Connected}", new { qualityRating = "RED" });
        await ControlAsync(HttpMethod.Post, "reset");

        Assert.Equal("GREEN", await FieldAsync(Seeded.Connected, "quality_rating"));
    }

    private async Task<string?> OldLimitAsync(string id) =>
        (await GetAsync($"v23.0/{id}?fields=messaging_limit_tier")).Json["messaging_limit_tier"]?.ToString();
}
