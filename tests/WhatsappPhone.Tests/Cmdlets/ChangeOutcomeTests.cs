using System.Linq;
using System.Management.Automation;
using Xunit;

namespace WhatsappPhone.Tests.Cmdlets;

/// <summary>A change that was done, or may have been, is never reported as one that failed: a retry would spend another attempt.</summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class ChangeOutcomeTests : RunspaceTest
{
    private const string Id = "107878721936019";

    private static (int, string) RegisterOkReadFails(System.Net.HttpListenerRequest request) =>
        request.HttpMethod == "POST"
            ? (200, "{\"success\":true}")
            : (400, "{\"error\":{\"message\":\"(#100) Unsupported get request.\",\"type\":\"GraphMethodException\",\"code\":100,\"error_subcode\":33,\"fbtrace_id\":\"AbC\"}}");

    [Theory]
    [InlineData("Register-WaPhoneNumber -PhoneNumberId " + Id + " -Pin '123456' -PassThru -Confirm:$false", "Register")]
    [InlineData("Unregister-WaPhoneNumber -PhoneNumberId " + Id + " -PassThru -Force", "Deregister")]
    public void A_change_whose_read_back_fails_says_it_was_done_with_an_error_id_of_its_own(string command, string action)
    {
        using var graph = new RecordingGraph(RegisterOkReadFails);

        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri} -MaxRetries 0; {command}");

        var record = Assert.Single(r.Errors);
        Assert.StartsWith("WaReadBackFailed", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ReadError, record.CategoryInfo.Category);
        Assert.Equal(Id, record.TargetObject);
        Assert.StartsWith($"Done: {action}", record.Exception.Message);
        Assert.Contains("only reading it back", record.Exception.Message);
        Assert.Contains("Do not repeat", record.Exception.Message);
        Assert.Equal(1, graph.Requests.Count(q => q.Method == "POST"));
    }

    [Fact]
    public void A_register_answered_200_but_cut_off_says_it_may_have_taken_effect_and_is_not_transient()
    {
        using var graph = new RecordingGraph(_ => (200, "{\"success\":true, \"padding\":\"" + new string('x', 200) + "\"}")) { CutBodyAfter = 12 };

        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri}; Register-WaPhoneNumber -PhoneNumberId {Id} -Pin '123456' -Confirm:$false");

        var record = Assert.Single(r.Errors);
        Assert.StartsWith("WaChangeOutcomeUnknown", record.FullyQualifiedErrorId);
        Assert.Contains("may have taken effect", record.Exception.Message);
        Assert.Contains("Get-WaPhoneNumber", record.Exception.Message);
        Assert.False(((WhatsappPhone.Api.GraphApiException)record.Exception).IsTransient);
        Assert.Equal(1, graph.Count);
    }

    private const string Account = "104996122399160";

    /// <summary>The cmdlets that change something else than the number, and read it back themselves with -PassThru.</summary>
    public static TheoryData<string, string, string> OtherChanges => new TheoryData<string, string, string>
    {
        { $"Set-WaPhoneNumberSetting -PhoneNumberId {Id} -IdentityKeyCheck $true -Confirm:$false", Id, "Get-WaPhoneNumberSetting" },
        { $"Set-WaBusinessProfile -PhoneNumberId {Id} -About 'Open 9-5' -Confirm:$false", Id, "Get-WaBusinessProfile" },
        { $"Register-WaWebhookSubscription -BusinessAccountId {Account} -Confirm:$false", Account, "Get-WaWebhookSubscription" },
    };

    [Theory]
    [MemberData(nameof(OtherChanges))]
    public void A_settings_profile_or_subscription_change_whose_read_back_fails_says_it_was_done(string command, string target, string check)
    {
        using var graph = new RecordingGraph(RegisterOkReadFails);

        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri} -MaxRetries 0; {command} -PassThru");

        var record = Assert.Single(r.Errors);
        Assert.StartsWith("WaReadBackFailed", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ReadError, record.CategoryInfo.Category);
        Assert.Equal(target, record.TargetObject);
        Assert.StartsWith("Done: ", record.Exception.Message);
        Assert.Contains("only reading it back", record.Exception.Message);
        Assert.Contains("Do not repeat", record.Exception.Message);
        Assert.Contains(check, record.Exception.Message);
        Assert.Empty(r.Output);
        Assert.Equal(1, graph.Requests.Count(q => q.Method == "POST"));
    }

    [Theory]
    [MemberData(nameof(OtherChanges))]
    public void A_settings_profile_or_subscription_change_answered_200_but_cut_off_says_it_may_have_taken_effect(string command, string target, string check)
    {
        using var graph = new RecordingGraph(_ => (200, "{\"success\":true, \"padding\":\"" + new string('x', 200) + "\"}")) { CutBodyAfter = 12 };

        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri}; {command} -PassThru");

        var record = Assert.Single(r.Errors);
        Assert.StartsWith("WaChangeOutcomeUnknown", record.FullyQualifiedErrorId);
        Assert.Equal(target, record.TargetObject);
        Assert.Contains("may have taken effect", record.Exception.Message);
        Assert.Contains(check, record.Exception.Message);
        Assert.False(((WhatsappPhone.Api.GraphApiException)record.Exception).IsTransient);
        Assert.Equal(1, graph.Count);
    }
}
