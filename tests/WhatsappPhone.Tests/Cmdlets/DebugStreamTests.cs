using System.Linq;
using Xunit;

namespace WhatsappPhone.Tests.Cmdlets;

/// <summary>
/// -Debug writes the request trace and never prompts: nothing may ask after a change was sent.
/// Windows PowerShell (and PowerShell before 7.4) turn -Debug on a compiled cmdlet into
/// $DebugPreference = 'Inquire'; these tests set Inquire themselves, as that is what the cmdlet sees there.
/// </summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class DebugStreamTests : RunspaceTest
{
    private static readonly NonInteractiveHost Host = new NonInteractiveHost();

    public DebugStreamTests() : base(Host) => Host.Prompts = 0;

    [Theory]
    [InlineData("Register-WaPhoneNumber -PhoneNumberId 107878721936019 -Pin '123456' -Confirm:$false")]
    [InlineData("Unregister-WaPhoneNumber -PhoneNumberId 107878721936019 -Force")]
    [InlineData("Set-WaPhoneNumberPin -PhoneNumberId 107878721936019 -Pin '123456' -Confirm:$false")]
    public void A_change_with_debug_in_a_host_that_cannot_prompt_is_done_once_and_reported_done(string command)
    {
        using var graph = new RecordingGraph(_ => (200, "{\"success\":true}"));

        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri} -MaxRetries 0; $DebugPreference = 'Inquire'; {command}");

        Assert.Empty(r.Errors);
        Assert.Equal(0, Host.Prompts);
        Assert.Equal(1, graph.Count);
        Assert.Contains(r.Debug, line => line.StartsWith("POST "));
    }

    /// <summary>Every cmdlet that sends a change, with what Graph answers it.</summary>
    public static TheoryData<string> Changes => new TheoryData<string>
    {
        "Register-WaPhoneNumber -PhoneNumberId 107878721936019 -Pin '123456' -Confirm:$false",
        "Unregister-WaPhoneNumber -PhoneNumberId 107878721936019 -Force",
        "Set-WaPhoneNumberPin -PhoneNumberId 107878721936019 -Pin '123456' -Confirm:$false",
        "Request-WaPhoneNumberCode -PhoneNumberId 107878721936019 -Method SMS -Confirm:$false",
        "Confirm-WaPhoneNumberCode -PhoneNumberId 107878721936019 -Code '123456' -Confirm:$false",
        "New-WaPhoneNumber -BusinessAccountId 114503234599312 -CountryCode '+1' -PhoneNumber '555 019-9001' -VerifiedName 'Jaspers Deli' -Confirm:$false",
        "Set-WaPhoneNumberDisplayName -PhoneNumberId 107878721936019 -DisplayName 'Jaspers Fine Market' -Confirm:$false",
        "Set-WaPhoneNumberSetting -PhoneNumberId 107878721936019 -IdentityKeyCheck $true -Confirm:$false",
        "Set-WaBusinessProfile -PhoneNumberId 107878721936019 -About 'Fresh food' -Confirm:$false",
        "Register-WaWebhookSubscription -BusinessAccountId 114503234599312 -Confirm:$false",
        "Unregister-WaWebhookSubscription -BusinessAccountId 114503234599312 -Force",
        "Set-WaPhoneNumberWebhook -PhoneNumberId 107878721936019 -CallbackUri https://hooks.example.com/wa -VerifyToken 'v3rify' -Confirm:$false",
        "Remove-WaPhoneNumberWebhook -PhoneNumberId 107878721936019 -Confirm:$false",
    };

    /// <summary>
    /// PowerShell 7.6 no longer makes -Debug inquire on debug output, but still sets the command's
    /// verbose preference to Inquire: a verbose line written after the change was sent ("Done: ...")
    /// then prompted, and in a runbook threw, turning a done change into a failure.
    /// </summary>
    [Theory]
    [MemberData(nameof(Changes))]
    public void Debug_itself_in_a_host_that_cannot_prompt_never_turns_a_done_change_into_a_failure(string command)
    {
        using var graph = new RecordingGraph(request => (200, request.HttpMethod == "POST" && request.RawUrl!.Contains("/phone_numbers")
            ? "{\"id\":\"1906385232743451\"}"
            : "{\"success\":true}"));

        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri} -MaxRetries 0; {command} -Debug");

        Assert.True(r.Errors.Length == 0, r.ErrorIds + " " + string.Join(" ", r.Errors.Select(e => e.Exception.Message)));
        Assert.Equal(0, Host.Prompts);
        Assert.Equal(1, graph.Requests.Count(q => q.Method != "GET"));
    }

    [Fact]
    public void A_listing_with_debug_writes_a_line_per_page_and_never_prompts()
    {
        var served = 0;
        using var graph = new RecordingGraph(request =>
        {
            var n = System.Threading.Interlocked.Increment(ref served);
            var next = n < 3 ? $",\"paging\":{{\"next\":\"http://127.0.0.1:{request.Url!.Port}/v25.0/114503234599312/phone_numbers?after=p{n}\"}}" : "";
            return (200, $"{{\"data\":[{{\"id\":\"{n}\"}}]{next}}}");
        });

        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {graph.Uri} -MaxRetries 0; $DebugPreference = 'Inquire'; Get-WaPhoneNumber -BusinessAccountId 114503234599312");

        Assert.Empty(r.Errors);
        Assert.Equal(0, Host.Prompts);
        Assert.Equal(new[] { "1", "2", "3" }, r.Output.Select(o => (string)o.Properties["Id"].Value));
        Assert.Equal(3, r.Debug.Count(line => line.StartsWith("GET ")));
    }
}
