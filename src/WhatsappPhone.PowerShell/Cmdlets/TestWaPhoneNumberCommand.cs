using System;
using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>
    /// Checks the health of numbers: status, quality, messaging limit, code verification, display
    /// name and every error Graph's health_status reports, each with what to do.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "WaPhoneNumber", DefaultParameterSetName = ByIdSet)]
    [OutputType(typeof(PhoneNumberHealth), ParameterSetName = new[] { ByIdSet, ByAccountSet })]
    [OutputType(typeof(bool))]
    public sealed class TestWaPhoneNumberCommand : WaApiCmdlet
    {
        const string ByIdSet = "ById";
        const string ByAccountSet = "ByAccount";

        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ValidateGraphId("phone-number ID")]
        public string[] PhoneNumberId { get; set; } = Array.Empty<string>();

        /// <summary>Checks every number of these WhatsApp Business Accounts.</summary>
        [Parameter(ParameterSetName = ByAccountSet, Mandatory = true)]
        [Alias("BusinessId", "WabaId")]
        [ValidateGraphId("WhatsApp Business Account ID")]
        public string[] BusinessAccountId { get; set; } = Array.Empty<string>();

        /// <summary>A messaging limit below this many conversations a day is a warning (default 1000).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int MinimumDailyLimit { get; set; } = HealthRules.DefaultMinimumDailyLimit;

        /// <summary>Writes one boolean at the end instead of the results: true when every number checked is healthy.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        bool allHealthy = true;

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByIdSet)
            {
                foreach (var id in PhoneNumberId)
                    if (!TryRun(id, () => Report(Wait(Client.GetPhoneNumberAsync(id, PhoneNumberJson.FieldsFor(Settings.MajorVersion), null, Cancellation)))))
                        allHealthy = false;
                return;
            }
            foreach (var account in BusinessAccountId)
            {
                var ok = TryRun(account, () =>
                {
                    foreach (var page in Pages(Client.PhoneNumbersUri(account, PhoneNumberJson.FieldsFor(Settings.MajorVersion), GraphClient.MaxPageSize),
                                 uri => Client.GetPhoneNumberPageAsync(uri, account, null, Cancellation), $"the numbers of WhatsApp Business Account {account}"))
                        foreach (var number in page.Items) Report(number);
                });
                if (!ok) allHealthy = false;
            }
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            if (Quiet) WriteObject(allHealthy);
        }

        void Report(PhoneNumber number)
        {
            var health = HealthRules.Evaluate(number, MinimumDailyLimit);
            allHealthy &= health.Healthy;
            if (!Quiet) WriteObject(health);
        }
    }
}
