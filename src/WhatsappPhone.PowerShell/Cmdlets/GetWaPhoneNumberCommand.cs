using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Connection;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>Lists the numbers of WhatsApp Business Accounts (every page), or gets numbers by ID.</summary>
    [Cmdlet(VerbsCommon.Get, "WaPhoneNumber", DefaultParameterSetName = ListSet, SupportsPaging = true)]
    [OutputType(typeof(PhoneNumber))]
    public sealed class GetWaPhoneNumberCommand : WaPhoneNumberReaderCmdlet
    {
        const string ListSet = "List";
        const string ByIdSet = "ById";
        const string ByAccountObjectSet = "ByAccountObject";

        /// <summary>Accounts to list; default from the connection or WHATSAPP_BUSINESS_ID. Not bound from the pipeline, so a piped PhoneNumber is never re-listed.</summary>
        [Parameter(ParameterSetName = ListSet, Position = 0)]
        [Alias("BusinessId", "WabaId")]
        [ValidateNotNullOrEmpty]
        [ValidateGraphId("WhatsApp Business Account ID")]
        [ArgumentCompleter(typeof(BusinessAccountIdCompleter))]
        public string[]? BusinessAccountId { get; set; }

        /// <summary>Accounts from Get-WaBusinessAccount, piped: their numbers are listed.</summary>
        [Parameter(ParameterSetName = ByAccountObjectSet, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public BusinessAccount[] BusinessAccount { get; set; } = Array.Empty<BusinessAccount>();

        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ValidateNotNullOrEmpty]
        [PhoneNumberIdTransformation(AccountObjectsBindElsewhere = true)]
        [ValidateGraphId("phone-number ID")]
        [ArgumentCompleter(typeof(PhoneNumberIdCompleter))]
        public string[] PhoneNumberId { get; set; } = Array.Empty<string>();

        /// <summary>Graph fields to ask for besides the default set; those without a typed property are added as note properties.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(PhoneNumberFieldCompleter))]
        public string[]? Property { get; set; }

        IReadOnlyList<string>? fields;
        HashSet<string>? extraFields;
        ulong skipped, written;

        /// <summary>The default fields of the connection's API version, plus -Property.</summary>
        IReadOnlyList<string> Fields => fields ??= PhoneNumberJson.FieldsFor(Settings.MajorVersion, Property);

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (Property != null)
            {
                foreach (var name in Property)
                    if (!IsFieldName(name))
                        ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{name}' is not a Graph field name (letters, digits and _ only, such as is_on_biz_app)."),
                            "WaInvalidProperty", ErrorCategory.InvalidArgument, name));
                extraFields = new HashSet<string>(Property.Select(p => p.Trim()), StringComparer.Ordinal);
            }
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByIdSet)
            {
                foreach (var id in PhoneNumberId)
                    if (!Done) AddNumber(id, Fields, extraFields);
                WriteArrived(all: false, WritePage);
                return;
            }

            // The token is the first thing a new user lacks: say so before asking for an account.
            _ = Settings;
            string[] accounts;
            try
            {
                accounts = ParameterSetName == ByAccountObjectSet
                    ? BusinessAccount.Select(a => GraphInput.RequireId(a.Id, "WhatsApp Business Account ID", nameof(BusinessAccount))).ToArray()
                    : BusinessAccountId ?? new[] { ConnectionResolver.ResolveBusinessAccountId(Context) };
            }
            catch (WaConnectionException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.InvalidArgument, null));
                return;
            }
            catch (ArgumentException ex)
            {
                WriteError(new ErrorRecord(ex, "WaInvalidArgument", ErrorCategory.InvalidArgument, null));
                return;
            }
            foreach (var account in accounts)
                if (!Done) AddAccount(account, Fields, PageSize(), PagingParameters.IncludeTotalCount, extraFields, Needed());
            WriteArrived(all: ParameterSetName == ListSet, WritePage);
        }

        protected override void EndProcessing()
        {
            WriteArrived(all: true, WritePage);
            base.EndProcessing();
        }

        /// <summary>Writes a page as -Skip and -First allow; -1 once -First is reached, to stop reading.</summary>
        int WritePage(object target, Page<PhoneNumber> page)
        {
            if (PagingParameters.IncludeTotalCount && ParameterSetName != ByIdSet && countedAccounts.Add(target))
                WriteObject(PagingParameters.NewTotalCount(page.TotalCount is long t ? (ulong)t : 0, page.TotalCount.HasValue ? 1.0 : 0.0));
            var before = written;
            foreach (var number in page.Items)
            {
                if (Done) break;
                if (skipped < PagingParameters.Skip) { skipped++; continue; }
                Emit(number);
            }
            return Done ? -1 : (int)(written - before);
        }

        readonly HashSet<object> countedAccounts = new HashSet<object>();

        bool Done => written >= PagingParameters.First;

        /// <summary>How many more numbers -First and -Skip can use; an account's listing stops reading there.</summary>
        ulong Needed()
        {
            var wanted = PagingParameters.First - written;
            var toSkip = PagingParameters.Skip - skipped;
            return wanted > ulong.MaxValue - toSkip ? ulong.MaxValue : wanted + toSkip;
        }

        /// <summary>Full pages, unless -First (plus what -Skip still drops) needs fewer numbers than a page holds.</summary>
        int PageSize()
        {
            var wanted = PagingParameters.First - written;
            var toSkip = PagingParameters.Skip - skipped;
            return wanted >= GraphClient.MaxPageSize || toSkip >= GraphClient.MaxPageSize
                ? GraphClient.MaxPageSize
                : (int)Math.Min(GraphClient.MaxPageSize, Math.Max(1, wanted + toSkip));
        }

        void Emit(PhoneNumber number)
        {
            written++;
            if (number.AdditionalFields == null)
            {
                WriteObject(number);
                return;
            }
            var wrapped = PSObject.AsPSObject(number);
            foreach (var pair in number.AdditionalFields)
                wrapped.Properties.Add(new PSNoteProperty(PascalCase(pair.Key), pair.Value));
            WriteObject(wrapped);
        }

        static bool IsFieldName(string name) => name.Trim().Length > 0 && name.Trim().All(c => c == '_' || (c < 128 && char.IsLetterOrDigit(c)));

        static string PascalCase(string field)
        {
            var sb = new StringBuilder(field.Length);
            foreach (var part in field.Split('_'))
                if (part.Length > 0) sb.Append(char.ToUpperInvariant(part[0])).Append(part.Substring(1));
            return sb.ToString();
        }
    }
}
