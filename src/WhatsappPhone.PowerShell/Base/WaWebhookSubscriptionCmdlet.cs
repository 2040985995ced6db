using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// The base of the cmdlets on a WhatsApp Business Account's webhook subscription: the accounts by
/// ID (bound by property name, so objects with a BusinessAccountId such as listed PhoneNumbers or
/// webhook events bind to their account), piped Get-WaBusinessAccount objects, or the connection's.
/// </summary>
public abstract class WaWebhookSubscriptionCmdlet : WaApiCmdlet
{
    /// <summary>The parameter set of accounts by ID (or the connection's).</summary>
    protected const string ByIdSet = "ById";
    /// <summary>The parameter set of accounts piped from Get-WaBusinessAccount.</summary>
    protected const string ByAccountObjectSet = "ByAccountObject";

    /// <summary>
    /// The accounts; default the connection's. Not bound from a piped string or by an Id property:
    /// a PhoneNumber's Id is a phone-number ID, never to be taken for an account.
    /// </summary>
    [Parameter(ParameterSetName = ByIdSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("WabaId")]
    [ValidateNotNullOrEmpty]
    [ValidateGraphId(IdKind.BusinessAccount)]
    [ArgumentCompleter(typeof(BusinessAccountIdCompleter))]
    public string[]? BusinessAccountId { get; set; }

    /// <summary>Accounts from Get-WaBusinessAccount, piped.</summary>
    [Parameter(ParameterSetName = ByAccountObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public BusinessAccount[] BusinessAccount { get; set; } = Array.Empty<BusinessAccount>();

    private readonly HashSet<string> _handled = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The accounts of this pipeline input not handled yet in this command (several numbers of one
    /// account piped in are one account); a missing default is a terminating error.
    /// </summary>
    protected IReadOnlyList<string> Accounts()
    {
        // The token is the first thing a new user lacks: say so before asking for an account.
        ResolveSettings();
        if (ParameterSetName != ByAccountObjectSet)
            return (BusinessAccountId ?? new[] { ResolveBusinessAccountId() }).Where(_handled.Add).ToArray();
        foreach (var account in BusinessAccount)
        {
            if (GraphInput.CheckId(account?.Id, IdKind.BusinessAccount) is { } problem)
            {
                WriteError(new ErrorRecord(new ArgumentException(problem, nameof(BusinessAccount)), "WaInvalidArgument", ErrorCategory.InvalidArgument, null));
                return Array.Empty<string>();
            }
        }

        return BusinessAccount.Select(a => a.Id).Where(_handled.Add).ToArray();
    }

    /// <summary>The account as prompts and messages name it.</summary>
    protected static string Target(string account) => $"WhatsApp Business Account {account}";

    /// <summary>ShouldChange for an account: the prompt names it, an error targets its ID.</summary>
    protected bool ShouldChange(string account, string action) => ShouldChange(Target(account), action, account);

    /// <summary>Writes the account's subscriptions; a verbose line when there is none (the account then receives no webhooks).</summary>
    protected void WriteSubscriptions(string account)
    {
        var subscriptions = Wait(Client.GetWebhookSubscriptionsAsync(account, Cancellation));
        if (subscriptions.Count == 0)
            WriteVerbose($"No app is subscribed to {Target(account)}: it receives no webhooks at all. Register-WaWebhookSubscription subscribes this app.");
        foreach (var s in subscriptions) WriteObject(s);
    }
}
