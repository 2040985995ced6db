using System;
using System.Collections.Generic;
using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Concurrency;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// The base of cmdlets that read many numbers (Get-WaPhoneNumber, Test-WaPhoneNumber): numbers
/// by ID and accounts' listings run concurrently up to -ThrottleLimit, and come out in input
/// order, a page at a time, on the pipeline thread.
/// </summary>
public abstract class WaPhoneNumberReaderCmdlet : WaApiCmdlet
{
    /// <summary>
    /// How many requests run at once when many numbers or accounts are asked for. Graph limits
    /// calls per hour, not how many are in flight, so this sends no more calls, only sooner; near
    /// a limit the client paces requests per account whatever this is. README, "Performance", has the figures.
    /// </summary>
    public const int DefaultThrottleLimit = 32;

    /// <summary>How many numbers or accounts are read at once (default 32). 1 reads them one after another.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

    private OrderedFanOut<NumberSource, Page<PhoneNumber>>? _fanOut;
    private NumberSource? _currentSource;
    private int _writtenForSource, _writtenTotal;
    private bool? _interactive;

    /// <summary>Pages may run this far ahead of the pipeline: the next page is fetched while one is written.</summary>
    private const int PagesAhead = 1;

    private OrderedFanOut<NumberSource, Page<PhoneNumber>> FanOut => _fanOut ??= new OrderedFanOut<NumberSource, Page<PhoneNumber>>(ThrottleLimit, PagesAhead, Cancellation);

    /// <summary>True once enough numbers were written (Get-WaPhoneNumber -First): nothing more is read.</summary>
    protected virtual bool Enough => false;

    /// <summary>
    /// Queues the listing of an account: every page, following paging.next, until <paramref name="enough"/>
    /// numbers were read; with <paramref name="client"/> when given, else the cmdlet's.
    /// </summary>
    private protected void AddAccount(string account, IReadOnlyList<string> fields, int pageSize, bool includeTotalCount, ICollection<string>? extraFields,
        ulong enough = ulong.MaxValue, GraphClient? client = null)
    {
        client ??= Client;
        var log = Log;
        FanOut.Add(new NumberSource(account, isAccount: true), async (push, ct) =>
        {
            var pages = new PageIterator<PhoneNumber>(client.PhoneNumbersUri(account, fields, pageSize, includeTotalCount),
                (uri, token) => client.GetPhoneNumberPageAsync(uri, account, extraFields, token), n => n.Id, enough);
            while (true)
            {
                log.Verbose($"Reading page {pages.PagesRead + 1} of the numbers of WhatsApp Business Account {account}.");
                if (await pages.NextAsync(ct).ConfigureAwait(false) is not { } page) break;
                await push(page).ConfigureAwait(false);
            }
        });
    }

    /// <summary>Queues the reading of one number by ID.</summary>
    private protected void AddNumber(string id, IReadOnlyList<string> fields, ICollection<string>? extraFields)
    {
        var client = Client;
        FanOut.Add(new NumberSource(id, isAccount: false), async (push, ct) =>
            await push(new Page<PhoneNumber>(new[] { await client.GetPhoneNumberAsync(id, fields, extraFields, ct).ConfigureAwait(false) }, null, null)).ConfigureAwait(false));
    }

    /// <summary>
    /// Writes what has arrived, in input order. With <paramref name="all"/> false it only makes
    /// room (a long pipeline of IDs keeps a bounded window in flight); with true it waits for all.
    /// <paramref name="write"/> writes a page and returns how many numbers it wrote; once
    /// <see cref="Enough"/> is true, nothing more is read. A source that fails is a non-terminating
    /// error, which <paramref name="failed"/>, when given, completes with what that means to the caller.
    /// </summary>
    private protected void WriteArrived(bool all, Func<NumberSource, Page<PhoneNumber>, int> write, Func<NumberSource, string>? failed = null)
    {
        if (_fanOut == null) return;
        try
        {
            _fanOut.Drain(all ? 0 : ThrottleLimit * 4, (source, page) =>
            {
                FlushLog();
                if (!ReferenceEquals(source, _currentSource)) { _currentSource = source; _writtenForSource = 0; }
                var n = write(source, page);
                _writtenForSource += n;
                _writtenTotal += n;
                if (Enough) return false;
                Progress($"{_writtenTotal} numbers written; now {source}");
                return true;
            }, (source, ex) =>
            {
                FlushLog();
                WriteFailure(source.Id, ex, failed?.Invoke(source) ?? (ReferenceEquals(source, _currentSource) && _writtenForSource > 0
                    ? $"The listing stopped after {_writtenForSource} numbers were written (of {source}); none was written twice."
                    : $"Nothing was written for {source}."));
            }, Cancellation);
        }
        catch (OperationCanceledException) when (Stopping)
        {
            _fanOut.Stop();
            throw new PipelineStoppedException();
        }
        catch (PipelineStoppedException)
        {
            // Select-Object -First has what it needs: nothing more is fetched.
            _fanOut.Stop();
            throw;
        }
        FlushLog();
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        base.EndProcessing();
        Progress("Done", completed: true);
    }

    /// <inheritdoc/>
    protected override void DisposeResources() => _fanOut?.Dispose();

    /// <summary>Progress for long work, only where a person watches: an interactive console host.</summary>
    private void Progress(string status, bool completed = false)
    {
        if (!Interactive) return;
        WriteProgress(new ProgressRecord(1, "Reading WhatsApp phone numbers", status) { RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing });
    }

    private bool Interactive => _interactive ??= Host?.Name == "ConsoleHost" && Environment.UserInteractive && !Console.IsOutputRedirected
        && Array.FindIndex(Environment.GetCommandLineArgs(), a => a.StartsWith("-noni", StringComparison.OrdinalIgnoreCase)) < 0;
}
