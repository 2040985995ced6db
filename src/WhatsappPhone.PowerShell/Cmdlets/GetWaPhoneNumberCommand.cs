using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>Lists the numbers of WhatsApp Business Accounts (every page), or gets numbers by ID.</summary>
[Cmdlet(VerbsCommon.Get, "WaPhoneNumber", DefaultParameterSetName = ListSet, SupportsPaging = true)]
[OutputType(typeof(PhoneNumber))]
public sealed class GetWaPhoneNumberCommand : WaPhoneNumberReaderCmdlet
{
    private const string ListSet = "List";
    private const string ByIdSet = "ById";
    private const string ByAccountObjectSet = "ByAccountObject";

    /// <summary>Accounts to list; default from the connection or WHATSAPP_BUSINESS_ID. Not bound from the pipeline, so a piped PhoneNumber is never re-listed.</summary>
    [Parameter(ParameterSetName = ListSet, Position = 0)]
    [Alias("BusinessId", "WabaId")]
    [ValidateNotNullOrEmpty]
    [ValidateGraphId(IdKind.BusinessAccount)]
    [ArgumentCompleter(typeof(BusinessAccountIdCompleter))]
    public string[]? BusinessAccountId { get; set; }

    /// <summary>Accounts from Get-WaBusinessAccount, piped: their numbers are listed.</summary>
    [Parameter(ParameterSetName = ByAccountObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public BusinessAccount[] BusinessAccount { get; set; } = Array.Empty<BusinessAccount>();

    /// <summary>Phone-number IDs to read; a piped PhoneNumber binds by its Id.</summary>
    [Parameter(ParameterSetName = ByIdSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    [PhoneNumberIdTransformation(AccountObjectsBindElsewhere = true)]
    [ValidateGraphId(IdKind.PhoneNumber)]
    [ArgumentCompleter(typeof(PhoneNumberIdCompleter))]
    public string[] PhoneNumberId { get; set; } = Array.Empty<string>();

    /// <summary>Graph fields to ask for besides the default set; those without a typed property are added as note properties.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PhoneNumberFieldCompleter))]
    public string[]? Property { get; set; }

    private IReadOnlyList<string> _fields = Array.Empty<string>();
    private HashSet<string>? _extraFields;
    private PagingWindow _window = null!;
    private readonly HashSet<NumberSource> _countedAccounts = new HashSet<NumberSource>();

    /// <inheritdoc/>
    protected override bool Enough => _window.Done;

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _window = new PagingWindow(PagingParameters.First, PagingParameters.Skip);
        if (Property == null) return;
        foreach (var name in Property)
        {
            if (!AdditionalFields.IsFieldName(name))
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{name}' is not a Graph field name (letters, digits and _ only, such as is_on_biz_app)."),
                    "WaInvalidProperty", ErrorCategory.InvalidArgument, name));
            }
        }

        _extraFields = new HashSet<string>(Property.Select(p => p.Trim()), StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        // The token is the first thing a new user lacks: say so before asking for an account.
        var settings = ResolveSettings();
        if (_fields.Count == 0) _fields = PhoneNumberJson.FieldsFor(settings.MajorVersion, Property);
        switch (ParameterSetName)
        {
            case ByIdSet:
                ReadNumbers();
                break;
            case ByAccountObjectSet:
                ListPipedAccounts();
                break;
            default:
                ListAccounts(BusinessAccountId ?? new[] { ResolveBusinessAccountId() }, waitForAll: true);
                break;
        }
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        WriteArrived(all: true, WritePage);
        base.EndProcessing();
    }

    /// <summary>Numbers by ID, read concurrently; written as they arrive, in input order.</summary>
    private void ReadNumbers()
    {
        foreach (var id in PhoneNumberId)
            if (!_window.Done) AddNumber(id, _fields, _extraFields);
        WriteArrived(all: false, WritePage);
    }

    /// <summary>Accounts piped from Get-WaBusinessAccount; an object without a usable ID is a non-terminating error.</summary>
    private void ListPipedAccounts()
    {
        var ids = new List<string>();
        foreach (var account in BusinessAccount)
        {
            if (GraphInput.CheckId(account.Id, IdKind.BusinessAccount) is { } problem)
            {
                WriteError(new ErrorRecord(new ArgumentException(problem, nameof(BusinessAccount)), "WaInvalidArgument", ErrorCategory.InvalidArgument, null));
                return;
            }
            ids.Add(account.Id);
        }
        ListAccounts(ids, waitForAll: false);
    }

    /// <summary>Every page of each account, until -First is reached.</summary>
    private void ListAccounts(IEnumerable<string> accounts, bool waitForAll)
    {
        foreach (var account in accounts)
            if (!_window.Done) AddAccount(account, _fields, _window.PageSize(GraphClient.MaxPageSize), PagingParameters.IncludeTotalCount, _extraFields, _window.Needed);
        WriteArrived(all: waitForAll, WritePage);
    }

    /// <summary>Writes a page as -Skip and -First allow, after the account's total with -IncludeTotalCount.</summary>
    private int WritePage(NumberSource source, Page<PhoneNumber> page)
    {
        if (PagingParameters.IncludeTotalCount && source.IsAccount && _countedAccounts.Add(source))
            WriteObject(PagingParameters.NewTotalCount(page.TotalCount is long t ? (ulong)t : 0, page.TotalCount.HasValue ? 1.0 : 0.0));
        var written = 0;
        foreach (var number in _window.Take(page.Items))
        {
            WriteObject(AdditionalFields.Project(number));
            written++;
        }
        return written;
    }
}
