using System;
using System.Collections.Generic;
using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Concurrency;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>
    /// The base of cmdlets that read many numbers (Get-WaPhoneNumber, Test-WaPhoneNumber): numbers
    /// by ID and accounts' listings run concurrently up to -ThrottleLimit, and come out in input
    /// order, a page at a time, on the pipeline thread.
    /// </summary>
    public abstract class WaPhoneNumberReaderCmdlet : WaApiCmdlet
    {
        /// <summary>How many numbers or accounts are read at once (default 32). 1 reads them one after another.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        OrderedFanOut<Page<PhoneNumber>>? fanOut;
        object? currentTarget;
        int writtenForTarget, writtenTotal;

        /// <summary>Pages may run this far ahead of the pipeline: the next page is fetched while one is written.</summary>
        const int PagesAhead = 1;

        OrderedFanOut<Page<PhoneNumber>> FanOut => fanOut ??= new OrderedFanOut<Page<PhoneNumber>>(ThrottleLimit, PagesAhead, Cancellation);

        /// <summary>Queues the listing of an account: every page, following paging.next, until <paramref name="enough"/> numbers were read.</summary>
        protected void AddAccount(string account, IReadOnlyList<string> fields, int pageSize, bool includeTotalCount, ICollection<string>? extraFields, ulong enough = ulong.MaxValue)
        {
            var client = Client;
            var log = Log;
            FanOut.Add(account, async (push, ct) =>
            {
                var pages = new PageIterator<PhoneNumber>(client.PhoneNumbersUri(account, fields, pageSize, includeTotalCount),
                    (uri, token) => client.GetPhoneNumberPageAsync(uri, account, extraFields, token), enough);
                while (true)
                {
                    log.Verbose($"Reading page {pages.PagesRead + 1} of the numbers of WhatsApp Business Account {account}.");
                    if (await pages.NextAsync(ct).ConfigureAwait(false) is not { } page) break;
                    await push(page).ConfigureAwait(false);
                }
            });
        }

        /// <summary>Queues the reading of one number by ID.</summary>
        protected void AddNumber(string id, IReadOnlyList<string> fields, ICollection<string>? extraFields)
        {
            var client = Client;
            FanOut.Add(id, async (push, ct) =>
                await push(new Page<PhoneNumber>(new[] { await client.GetPhoneNumberAsync(id, fields, extraFields, ct).ConfigureAwait(false) }, null, null)).ConfigureAwait(false));
        }

        /// <summary>
        /// Writes what has arrived, in input order. With <paramref name="all"/> false it only makes
        /// room (a long pipeline of IDs keeps a bounded window in flight); with true it waits for all.
        /// <paramref name="write"/> writes a page and returns how many numbers it wrote, or -1 to stop.
        /// </summary>
        private protected void WriteArrived(bool all, Func<object, Page<PhoneNumber>, int> write)
        {
            if (fanOut == null) return;
            Drain(fanOut, all ? 0 : ThrottleLimit * 4, (target, page) =>
            {
                if (!Equals(target, currentTarget)) { currentTarget = target; writtenForTarget = 0; }
                var n = write(target, page);
                if (n < 0) return false;
                writtenForTarget += n;
                writtenTotal += n;
                Progress(1, "Reading WhatsApp phone numbers", $"{writtenTotal} numbers written; now {target}");
                return true;
            }, target => Equals(target, currentTarget) && writtenForTarget > 0
                ? $"The listing stopped after {writtenForTarget} numbers were written (of {target}); none was written twice."
                : $"Nothing was written for {target}.");
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            Progress(1, "Reading WhatsApp phone numbers", "Done", completed: true);
        }

        protected override void DisposeResources() => fanOut?.Dispose();
    }
}
