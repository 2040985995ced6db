using System;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using WhatsappPhone.Cmdlets;
using WhatsappPhone.Models;
using Xunit;

namespace WhatsappPhone.Tests;

/// <summary>
/// The cmdlets in an in-process runspace: parameter binding, validation and connection
/// resolution. Requests go to a closed loopback port, so "tried to connect" is visible as a
/// WaApi.Connection error and "sent nothing" as its absence.
/// </summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class CmdletBindingTests : IDisposable
{
    private const string Closed = "http://127.0.0.1:9";
    private static readonly string[] Variables = { "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_BUSINESS_ID", "WHATSAPP_API_VERSION", "WHATSAPP_BASE_URI" };
    private readonly Runspace _runspace;

    public CmdletBindingTests()
    {
        foreach (var v in Variables) Environment.SetEnvironmentVariable(v, null);
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(typeof(GetWaPhoneNumberCommand).Assembly.Location);
        _runspace = RunspaceFactory.CreateRunspace(iss);
        _runspace.Open();
    }

    public void Dispose()
    {
        _runspace.Dispose();
        foreach (var v in Variables) Environment.SetEnvironmentVariable(v, null);
    }

    /// <summary>Runs a script; a cmdlet's terminating error ends its statement and lands in the error stream.</summary>
    private (Collection<PSObject> output, ErrorRecord[] errors) Run(string script)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        var output = ps.Invoke();
        return (output, ps.Streams.Error.ToArray());
    }

    private static string ErrorIds((Collection<PSObject> output, ErrorRecord[] errors) r) => string.Join(" ", r.errors.Select(e => e.FullyQualifiedErrorId));

    private static string Messages((Collection<PSObject> output, ErrorRecord[] errors) r) => string.Join(" ", r.errors.Select(e => e.Exception.Message));

    [Fact]
    public void Without_any_token_the_error_names_connect_and_the_environment_variable_before_any_request()
    {
        var r = Run("Get-WaPhoneNumber -PhoneNumberId 107878721936019");
        var record = Assert.Single(r.errors);
        Assert.StartsWith("WaNotConnected", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, record.CategoryInfo.Category);
        Assert.Contains("Connect-WaAccount", record.Exception.Message);
        Assert.Contains("WHATSAPP_ACCESS_TOKEN", record.Exception.Message);
    }

    [Fact]
    public void Listing_with_nothing_configured_asks_for_the_token_first()
    {
        var r = Run("Get-WaPhoneNumber");
        var record = Assert.Single(r.errors);
        Assert.StartsWith("WaNotConnected", record.FullyQualifiedErrorId);
    }

    [Fact]
    public void A_runbook_needs_only_environment_variables()
    {
        Environment.SetEnvironmentVariable("WHATSAPP_ACCESS_TOKEN", "env-token");
        Environment.SetEnvironmentVariable("WHATSAPP_BASE_URI", Closed);
        Environment.SetEnvironmentVariable("WHATSAPP_BUSINESS_ID", "114503234599312");
        var r = Run("Get-WaPhoneNumber");
        var error = Assert.Single(r.errors);
        Assert.StartsWith("WaApi.Connection", error.FullyQualifiedErrorId);
        Assert.Equal("114503234599312", error.TargetObject);
        Assert.Contains("127.0.0.1:9", error.Exception.Message);
        // The count of what was written reads as its own sentence after the connection error.
        Assert.Matches(@"[.!?] Nothing was written for 114503234599312\.$", error.ErrorDetails.Message);
    }

    [Fact]
    public void Listing_with_no_account_anywhere_says_how_to_give_one()
    {
        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {Closed} -MaxRetries 0; Get-WaPhoneNumber");
        Assert.Contains("WaNoBusinessAccount", ErrorIds(r));
        Assert.Contains("WHATSAPP_BUSINESS_ID", Messages(r));
    }

    [Fact]
    public void A_bad_environment_variable_is_named_in_the_error()
    {
        Environment.SetEnvironmentVariable("WHATSAPP_ACCESS_TOKEN", "env-token");
        Environment.SetEnvironmentVariable("WHATSAPP_API_VERSION", "latest");
        var r = Run("Get-WaPhoneNumber -PhoneNumberId 1");
        Assert.Contains("WaInvalidConnectionSetting", ErrorIds(r));
        Assert.Contains("WHATSAPP_API_VERSION", Messages(r));
    }

    [Fact]
    public void Connect_values_win_over_the_environment_and_each_setting_resolves_on_its_own()
    {
        Environment.SetEnvironmentVariable("WHATSAPP_BASE_URI", "http://127.0.0.1:7");
        Environment.SetEnvironmentVariable("WHATSAPP_BUSINESS_ID", "222");
        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {Closed} -MaxRetries 0; Get-WaPhoneNumber");
        var error = Assert.Single(r.errors);
        Assert.Contains("127.0.0.1:9", error.Exception.Message);
        Assert.Equal("222", error.TargetObject);
    }

    [Fact]
    public void An_explicit_context_wins_over_the_current_connection()
    {
        var r = Run("$other = Connect-WaAccount -AccessToken a -BaseUri http://127.0.0.1:7 -MaxRetries 0 -PassThru; " +
                    $"Connect-WaAccount -AccessToken b -BaseUri {Closed} -MaxRetries 0; Get-WaPhoneNumber -PhoneNumberId 5 -Context $other");
        Assert.Contains("127.0.0.1:7", Assert.Single(r.errors).Exception.Message);
    }

    [Fact]
    public void The_context_object_never_shows_or_serializes_the_token()
    {
        var r = Run("$c = Connect-WaAccount -AccessToken 'SECRET-TOKEN-123' -BusinessAccountId 114503234599312 -PassThru; " +
                    "[System.Management.Automation.PSSerializer]::Serialize($c, 5) + \"$c\" + ($c.PSObject.Properties.Value -join ',')");
        var text = Assert.Single(r.output).ToString();
        Assert.Contains("114503234599312", text);
        Assert.DoesNotContain("SECRET-TOKEN-123", text);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("25")]
    [InlineData("v25")]
    public void Connect_refuses_a_bad_api_version(string version)
    {
        var r = Run($"Connect-WaAccount -AccessToken t -ApiVersion '{version}'");
        Assert.Contains("WaInvalidConnectionSetting", ErrorIds(r));
    }

    [Theory]
    [InlineData("http://graph.facebook.com")]
    [InlineData("ftp://graph.facebook.com")]
    [InlineData("relative/path")]
    public void Connect_refuses_a_base_uri_that_could_leak_the_token_or_is_not_one(string uri)
    {
        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri '{uri}'");
        Assert.Contains("WaInvalidConnectionSetting", ErrorIds(r));
    }

    [Theory]
    [InlineData("''")]
    [InlineData("'12345'")]
    [InlineData("'1234567'")]
    [InlineData("'abcdef'")]
    [InlineData("'12 456'")]
    [InlineData("' 123456'")]
    [InlineData("'１２３４５６'")]
    [InlineData("$null")]
    public void A_bad_pin_fails_binding_without_echoing_it_and_without_a_request(string pin)
    {
        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {Closed} -MaxRetries 0; Register-WaPhoneNumber -PhoneNumberId 107878721936019 -Pin {pin}");
        var ids = ErrorIds(r);
        Assert.Contains("ParameterArgument", ids);
        Assert.DoesNotContain("WaApi", ids);
        var literal = pin.Trim('\'').Trim();
        if (literal.Length > 0 && literal != "$null") Assert.DoesNotContain(literal, Messages(r));
    }

    [Fact]
    public void A_pin_typed_as_a_number_that_lost_its_leading_zero_says_to_quote_it()
    {
        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {Closed} -MaxRetries 0; Register-WaPhoneNumber -PhoneNumberId 1 -Pin 012345");
        Assert.Contains("quoted string", Messages(r));
    }

    [Fact]
    public void A_phone_number_where_an_id_is_needed_fails_binding_with_a_pointer_to_the_id()
    {
        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {Closed} -MaxRetries 0; Get-WaPhoneNumber -PhoneNumberId '+1 555-093-4873'");
        Assert.Contains("looks like a phone number", Messages(r));
        Assert.DoesNotContain("WaApi", ErrorIds(r));
    }

    [Fact]
    public void One_bad_id_in_a_pipeline_is_non_terminating_and_the_rest_still_run()
    {
        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {Closed} -MaxRetries 0; '111','abc','222' | Get-WaPhoneNumber");
        Assert.Single(r.errors, e => e.FullyQualifiedErrorId.StartsWith("ParameterArgumentValidationError"));
        Assert.Equal(new object[] { "111", "222" }, r.errors.Where(e => e.FullyQualifiedErrorId.StartsWith("WaApi.Connection")).Select(e => e.TargetObject));
    }

    [Fact]
    public void A_piped_phone_number_binds_as_a_phone_number_id_everywhere_never_as_an_account()
    {
        var n = new PhoneNumber { Id = "107878721936019", BusinessAccountId = "114503234599312", Status = "DISCONNECTED" };
        foreach (var command in new[] { "Get-WaPhoneNumber", "Register-WaPhoneNumber -Pin '123456'", "Unregister-WaPhoneNumber -Force" })
        {
            using var ps = PowerShell.Create();
            ps.Runspace = _runspace;
            ps.AddScript($"Connect-WaAccount -AccessToken t -BaseUri {Closed} -MaxRetries 0; $input | {command}");
            ps.Invoke(new[] { n });
            var error = Assert.Single(ps.Streams.Error);
            Assert.Equal("107878721936019", error.TargetObject);
            Assert.StartsWith("WaApi.Connection", error.FullyQualifiedErrorId);
        }
    }

    [Fact]
    public void WhatIf_sends_nothing_and_needs_no_connection()
    {
        var r = Run("Register-WaPhoneNumber -PhoneNumberId 1 -Pin '123456' -WhatIf; Unregister-WaPhoneNumber -PhoneNumberId 1 -WhatIf; Unregister-WaPhoneNumber -PhoneNumberId 1 -Force -WhatIf");
        Assert.Empty(r.errors);
        Assert.Empty(r.output);
    }

    [Fact]
    public void Unregister_with_force_or_confirm_false_proceeds_without_a_prompt()
    {
        foreach (var switches in new[] { "-Force", "-Confirm:$false" })
        {
            var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {Closed} -MaxRetries 0; Unregister-WaPhoneNumber -PhoneNumberId 1 {switches}");
            Assert.StartsWith("WaApi.Connection", Assert.Single(r.errors).FullyQualifiedErrorId);
        }
    }

    [Fact]
    public void Unregister_asks_for_confirmation_by_default_and_sends_nothing_when_it_cannot_ask()
    {
        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {Closed} -MaxRetries 0; Unregister-WaPhoneNumber -PhoneNumberId 1");
        Assert.DoesNotContain("WaApi", ErrorIds(r));
        var record = Assert.Single(r.errors);
        Assert.StartsWith("WaConfirmationNotPossible", record.FullyQualifiedErrorId);
        Assert.Equal("1", record.TargetObject);
        Assert.Contains("-Force", record.Exception.Message);
        Assert.Contains("-Confirm:$false", record.Exception.Message);
    }

    [Fact]
    public void Register_with_skip_if_registered_asks_first_and_gives_the_same_clear_error_when_it_cannot_ask()
    {
        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {Closed} -MaxRetries 0; Register-WaPhoneNumber -PhoneNumberId 1 -Pin '123456' -SkipIfRegistered -Confirm");
        Assert.DoesNotContain("WaApi", ErrorIds(r));
        var record = Assert.Single(r.errors);
        Assert.StartsWith("WaConfirmationNotPossible", record.FullyQualifiedErrorId);
        Assert.Equal("1", record.TargetObject);
        Assert.Contains("-Confirm:$false", record.Exception.Message);
    }

    [Theory]
    [InlineData("english")]
    [InlineData("EN_us")]
    [InlineData("en-US")]
    public void A_bad_language_fails_binding_with_an_example_and_without_a_request(string language)
    {
        var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {Closed} -MaxRetries 0; Request-WaPhoneNumberCode -PhoneNumberId 1 -Method SMS -Language '{language}'");
        Assert.StartsWith("ParameterArgumentValidationError", Assert.Single(r.errors).FullyQualifiedErrorId);
        Assert.Contains("such as en_US", Messages(r));
    }

    [Fact]
    public void Get_lists_by_position_and_accepts_the_account_aliases()
    {
        foreach (var form in new[] { "333", "-BusinessId 333", "-WabaId 333", "-BusinessAccountId 333" })
        {
            var r = Run($"Connect-WaAccount -AccessToken t -BaseUri {Closed} -MaxRetries 0; Get-WaPhoneNumber {form}");
            Assert.Equal("333", Assert.Single(r.errors).TargetObject);
        }
    }

    [Fact]
    public void Every_cmdlet_declares_its_output_type()
    {
        var types = typeof(GetWaPhoneNumberCommand).Assembly.GetTypes().Where(t => typeof(Cmdlet).IsAssignableFrom(t) && !t.IsAbstract);
        Assert.All(types, t => Assert.NotEmpty(t.GetCustomAttributes(typeof(OutputTypeAttribute), false)));
    }
}
