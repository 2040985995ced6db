using System;
using System.Collections.Generic;
using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Health;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Checks the health of numbers: status, quality, messaging limit, code verification, display
/// name and every error Graph's health_status reports, each with what to do.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "WaPhoneNumber", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(PhoneNumberHealth), ParameterSetName = new[] { ByIdSet, ByAccountSet })]
[OutputType(typeof(bool))]
public sealed class TestWaPhoneNumberCommand : WaPhoneNumberReaderCmdlet
{
    private const string ByIdSet = "ById";
    private const string ByAccountSet = "ByAccount";

    /// <summary>Phone-number IDs to check; a piped PhoneNumber binds by its Id.</summary>
    [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [PhoneNumberIdTransformation]
    [ValidateGraphId(IdKind.PhoneNumber)]
    [ArgumentCompleter(typeof(PhoneNumberIdCompleter))]
    public string[] PhoneNumberId { get; set; } = Array.Empty<string>();

    /// <summary>Checks every number of these WhatsApp Business Accounts.</summary>
    [Parameter(ParameterSetName = ByAccountSet, Mandatory = true)]
    [Alias("BusinessId", "WabaId")]
    [ValidateGraphId(IdKind.BusinessAccount)]
    [ArgumentCompleter(typeof(BusinessAccountIdCompleter))]
    public string[] BusinessAccountId { get; set; } = Array.Empty<string>();

    /// <summary>A messaging limit below this many conversations a day is a warning (default 1000).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MinimumDailyLimit { get; set; } = HealthRules.DefaultMinimumDailyLimit;

    /// <summary>Writes one boolean at the end instead of the results: true when every number checked is healthy.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Also checks that an app is subscribed to each number's account (one request per account, not per number).</summary>
    [Parameter]
    public SwitchParameter IncludeWebhooks { get; set; }

    private bool _allHealthy = true;
    private readonly Dictionary<string, IReadOnlyList<WebhookSubscription>?> _subscriptions = new Dictionary<string, IReadOnlyList<WebhookSubscription>?>(StringComparer.Ordinal);

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var fields = PhoneNumberJson.FieldsFor(ResolveSettings().MajorVersion);
        if (ParameterSetName == ByIdSet)
        {
            foreach (var id in PhoneNumberId) AddNumber(id, fields, null);
            WriteArrived(all: false, Report);
            return;
        }
        foreach (var account in BusinessAccountId) AddAccount(account, fields, GraphClient.MaxPageSize, false, null);
        WriteArrived(all: true, Report);
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        WriteArrived(all: true, Report);
        base.EndProcessing();
        if (Quiet) WriteObject(_allHealthy && FailureCount == 0);
    }

    /// <summary>Each account read once per run: many numbers share one.</summary>
    private readonly System.Collections.Generic.Dictionary<string, BusinessAccount?> _accounts = new System.Collections.Generic.Dictionary<string, BusinessAccount?>();

    /// <summary>The number's account (listed from it, or named in its health_status), or $null when it cannot be read.</summary>
    private BusinessAccount? AccountOf(PhoneNumber number)
    {
        var id = number.BusinessAccountId ?? number.HealthAccountId;
        if (id == null) return null;
        if (_accounts.TryGetValue(id, out var known)) return known;
        BusinessAccount? account = null;
        try
        {
            account = Wait(Client.GetBusinessAccountAsync(id, Cancellation));
        }
        catch (Exception ex) when (ex is GraphApiException || ex is ArgumentException)
        {
            WriteVerbose($"The account {id} of phone number {number.Id} could not be read, so its review and health are not checked: {ex.Message}");
        }
        return _accounts[id] = account;
    }

    private int Report(NumberSource source, Page<PhoneNumber> page)
    {
        foreach (var number in page.Items)
        {
            var health = HealthRules.Evaluate(number, MinimumDailyLimit, AccountOf(number),
                IncludeWebhooks ? SubscriptionsOf(number.Id, number.BusinessAccountId ?? number.HealthAccountId) : null);
            _allHealthy &= health.Healthy;
            if (!Quiet) WriteObject(health);
        }
        return page.Items.Count;
    }

    /// <summary>The apps subscribed to the account, asked once per account in this command; null when it cannot be known.</summary>
    private IReadOnlyList<WebhookSubscription>? SubscriptionsOf(string number, string? account)
    {
        if (account == null)
        {
            WriteWarning($"The account of number {number} is unknown (Graph's health_status names none), so its webhook subscription was not checked. Test it with -BusinessAccountId.");
            return null;
        }
        if (_subscriptions.TryGetValue(account, out var known)) return known;
        IReadOnlyList<WebhookSubscription>? found = null;
        TryRun(account, () => found = Wait(Client.GetWebhookSubscriptionsAsync(account, Cancellation)));
        return _subscriptions[account] = found;
    }
}
