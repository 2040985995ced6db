using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>Lists the WhatsApp Business Accounts a business portfolio owns, or manages for clients (every page).</summary>
[Cmdlet(VerbsCommon.Get, "WaBusinessAccount", DefaultParameterSetName = PortfolioSet)]
[OutputType(typeof(BusinessAccount))]
public sealed class GetWaBusinessAccountCommand : WaApiCmdlet
{
    private const string PortfolioSet = "ByPortfolio";
    private const string ByIdSet = "ById";

    /// <summary>The business portfolio (Meta Business Manager) ID.</summary>
    [Parameter(ParameterSetName = PortfolioSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PortfolioId")]
    [ValidateGraphId(IdKind.BusinessPortfolio)]
    public string[] BusinessId { get; set; } = System.Array.Empty<string>();

    /// <summary>Accounts by their own ID (GET /{waba}), with review, verification, ownership and health.</summary>
    [Parameter(ParameterSetName = ByIdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("WabaId")]
    [ValidateGraphId(IdKind.BusinessAccount)]
    [ArgumentCompleter(typeof(BusinessAccountIdCompleter))]
    public string[] BusinessAccountId { get; set; } = System.Array.Empty<string>();

    /// <summary>Owned accounts, client accounts, or both (the default).</summary>
    [Parameter(ParameterSetName = PortfolioSet)]
    [ValidateSet("All", "Owned", "Client")]
    public string Ownership { get; set; } = "All";

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        ResolveSettings();
        if (ParameterSetName == ByIdSet)
        {
            foreach (var id in BusinessAccountId)
                TryRun(id, () => WriteObject(Wait(Client.GetBusinessAccountAsync(id, Cancellation))));
            return;
        }
        foreach (var business in BusinessId)
        {
            foreach (var ownership in new[] { BusinessAccountOwnership.Owned, BusinessAccountOwnership.Client })
            {
                if (Ownership != "All" && Ownership != ownership.ToString()) continue;
                var count = 0;
                // Both edges hang off the same portfolio: when one fails (unknown ID, no permission), so
                // would the other, so one bad ID gives one error.
                var listed = TryRun(business, () =>
                {
                    foreach (var page in Pages(Client.BusinessAccountsUri(business, ownership, GraphClient.MaxPageSize),
                                 (uri, ct) => Client.GetBusinessAccountPageAsync(uri, business, ownership, ct), a => a.Id,
                                 $"the {ownership.ToString().ToLowerInvariant()} accounts of business {business}"))
                    {
                        foreach (var account in page.Items)
                        {
                            WriteObject(account);
                            count++;
                        }
                    }
                }, () => $"The listing of business {business}'s {ownership.ToString().ToLowerInvariant()} accounts stopped after {count} accounts were written.");
                if (!listed) break;
            }
        }
    }
}
