using System.Text.Json.Nodes;

namespace WhatsappPhone.Emulator.Tests;

/// <summary>The requests recorded against the real Graph API give the recorded bodies.</summary>
public sealed class RecordedResponseTests : EmulatorTest
{
    private const string RecordedFields =
        "id,is_official_business_account,display_phone_number,verified_name,account_mode,quality_rating,certificate," +
        "code_verification_status,eligibility_for_api_business_global_search,is_pin_enabled,name_status,new_name_status," +
        "status,search_visibility,messaging_limit_tier";

    private static string Recorded(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "recorded", name)).TrimEnd();

    [Fact]
    public async Task The_recorded_get_of_the_test_number_is_reproduced_byte_for_byte()
    {
        var answer = await GetAsync($"v19.0/{Seeded.RecordedNumber}?fields={RecordedFields}");

        Assert.Equal(200, (int)answer.Status);
        Assert.Equal(Recorded("registered_number_with_success_response.json"), answer.Body);
    }

    [Fact]
    public async Task The_recorded_list_is_reproduced_with_cursors_and_without_a_next_link()
    {
        var answer = await GetAsync($"v19.0/{Seeded.RecordedWaba}/phone_numbers?fields={RecordedFields}");

        var recorded = JsonNode.Parse(Recorded("registered_numbers_with_success_response.json"))!;
        Assert.Equal(recorded["data"]!.ToJsonString(), answer.Json["data"]!.ToJsonString());
        var paging = answer.Json["paging"]!.AsObject();
        Assert.Equal(["cursors"], paging.Select(p => p.Key));
        Assert.Equal(paging["cursors"]!["before"]!.ToString(), paging["cursors"]!["after"]!.ToString());
    }

    [Fact]
    public async Task The_recorded_registration_and_then_deregistration_of_the_test_number_succeed()
    {
        var register = await PostFormAsync($"v19.0/{Seeded.RecordedNumber}/register", ("messaging_product", "whatsapp"), ("pin", Seeded.RecordedPin));
        var deregister = await PostFormAsync($"v19.0/{Seeded.RecordedNumber}/deregister");

        Assert.Equal(Recorded("register_number_with_success_response.json"), register.Body);
        Assert.Equal(Recorded("deregister_number_with_success_response.json"), deregister.Body);
        Assert.NotNull(register.Header("X-Business-Use-Case-Usage"));
    }

    [Theory]
    [InlineData("GET", "v19.0/123123?fields=" + RecordedFields, "registered_number_handles_error_response.json")]
    [InlineData("GET", "v19.0/123123/phone_numbers?fields=" + RecordedFields, "registered_numbers_handles_error_response.json")]
    [InlineData("POST", "v19.0/123123/register", "register_number_handles_error_response.json")]
    [InlineData("POST", "v19.0/123123/deregister", "deregister_number_handles_error_response.json")]
    public async Task The_recorded_errors_for_an_unknown_id_are_reproduced(string method, string path, string file)
    {
        var answer = method == "GET"
            ? await GetAsync(path)
            : await PostFormAsync(path, ("messaging_product", "whatsapp"), ("pin", "123"));

        var recorded = JsonNode.Parse(Recorded(file))!["error"]!;
        var error = AssertGraphError(answer, 400, 100, 33);
        foreach (var key in new[] { "message", "type", "code", "error_subcode" })
        {
            Assert.Equal(recorded[key]!.ToJsonString(), error[key]!.ToJsonString());
        }
        Assert.Equal(recorded.AsObject().Select(p => p.Key), error.Select(p => p.Key));
        Assert.Equal($"OAuth \"Facebook Platform\" \"invalid_request\" \"{recorded["message"]}\"", answer.Header("WWW-Authenticate"));
    }
}
