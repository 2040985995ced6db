using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using WhatsappPhone.Api;
using WhatsappPhone.Connection;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>
    /// The base of the cmdlets on a WhatsApp Business Account's webhook subscription: the accounts by
    /// ID (bound by property name, so objects with a BusinessAccountId such as listed PhoneNumbers or
    /// webhook events bind to their account), piped Get-WaBusinessAccount objects, or the connection's.
    /// </summary>
    public abstract class WaWebhookSubscriptionCmdlet : WaApiCmdlet
    {
        protected const string ByIdSet = "ById";
        protected const string ByAccountObjectSet = "ByAccountObject";

        /// <summary>
        /// The accounts; default the connection's. Not bound from a piped string or by an Id property:
        /// a PhoneNumber's Id is a phone-number ID, never to be taken for an account.
        /// </summary>
        [Parameter(ParameterSetName = ByIdSet, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("WabaId")]
        [ValidateNotNullOrEmpty]
        [ValidateGraphId("WhatsApp Business Account ID")]
        [ArgumentCompleter(typeof(BusinessAccountIdCompleter))]
        public string[]? BusinessAccountId { get; set; }

        /// <summary>Accounts from Get-WaBusinessAccount, piped.</summary>
        [Parameter(ParameterSetName = ByAccountObjectSet, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public BusinessAccount[] BusinessAccount { get; set; } = Array.Empty<BusinessAccount>();

        readonly HashSet<string> handled = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>
        /// The accounts of this pipeline input not handled yet in this command (several numbers of one
        /// account piped in are one account); a missing default is a terminating error.
        /// </summary>
        protected IReadOnlyList<string> Accounts()
        {
            // The token is the first thing a new user lacks: say so before asking for an account.
            _ = Settings;
            try
            {
                var accounts = ParameterSetName == ByAccountObjectSet
                    ? BusinessAccount.Select(a => GraphInput.RequireId(a?.Id, "WhatsApp Business Account ID", nameof(BusinessAccount)))
                    : BusinessAccountId ?? new[] { ConnectionResolver.ResolveBusinessAccountId(Context) };
                return accounts.Where(handled.Add).ToArray();
            }
            catch (WaConnectionException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.InvalidArgument, null));
            }
            catch (ArgumentException ex)
            {
                WriteError(new ErrorRecord(ex, "WaInvalidArgument", ErrorCategory.InvalidArgument, null));
            }
            return Array.Empty<string>();
        }

        protected static string Target(string account) => $"WhatsApp Business Account {account}";

        /// <summary>
        /// ShouldProcess, or <paramref name="force"/> (which never overrides -WhatIf or -Confirm); where the
        /// host cannot ask, an error that says how to proceed. Nothing is sent unless this is true.
        /// </summary>
        protected bool Confirm(string account, string action, bool force = false)
        {
            if (force && !Requested("WhatIf") && !Requested("Confirm"))
            {
                WriteVerbose($"Performing the operation \"{action}\" on target \"{Target(account)}\" (-Force: not asking for confirmation).");
                return true;
            }
            try
            {
                return ShouldProcess(Target(account), action);
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is HostException)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException($"{MyInvocation.MyCommand.Name} asks for confirmation before it changes {Target(account)}, and this host cannot ask. " +
                        "Nothing was sent. In a runbook pass -Confirm:$false (or -Force where the cmdlet has it); -WhatIf shows what would change.", ex),
                    "WaConfirmationNotPossible", ErrorCategory.InvalidOperation, account));
                return false;
            }
        }

        /// <summary>-WhatIf or -Confirm given, or (for WhatIf) set by preference.</summary>
        bool Requested(string name) =>
            MyInvocation.BoundParameters.TryGetValue(name, out var value) ? LanguagePrimitives.IsTrue(value)
            : name == "WhatIf" && LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

        /// <summary>Writes the account's subscriptions; a verbose line when there is none (the account then receives no webhooks).</summary>
        protected void WriteSubscriptions(string account)
        {
            var subscriptions = Wait(Client.GetWebhookSubscriptionsAsync(account, Cancellation));
            if (subscriptions.Count == 0)
                WriteVerbose($"No app is subscribed to {Target(account)}: it receives no webhooks at all. Register-WaWebhookSubscription subscribes this app.");
            foreach (var s in subscriptions) WriteObject(s);
        }
    }
}
