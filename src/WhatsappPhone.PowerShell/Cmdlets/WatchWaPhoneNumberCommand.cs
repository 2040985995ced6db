using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Pipeline;
using WhatsappPhone.Changes;
using WhatsappPhone.Models;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Watches the numbers of WhatsApp Business Accounts and writes each change once: every poll lists
/// the accounts and compares them with the last reported state (<see cref="NumberWatch"/>), which
/// -StatePath keeps across runs; with -Prefix and -AppSecret, each webhook about a number makes it
/// read that number at once (the intake of Receive-WaWebhook), so the change comes before the next
/// poll, which then does not write it again. Runs until -Once, -Count, -TimeoutSec, Ctrl+C or
/// Select-Object -First.
/// </summary>
[Cmdlet(VerbsCommon.Watch, "WaPhoneNumber", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(PhoneNumberChange))]
public sealed class WatchWaPhoneNumberCommand : WaPhoneNumberReaderCmdlet
{
    private const string ByIdSet = "ById";
    private const string ByAccountObjectSet = "ByAccountObject";

    /// <summary>The default of -PollIntervalSec: five minutes.</summary>
    public const int DefaultPollIntervalSec = 300;

    /// <summary>
    /// The accounts to watch; default the connection's. Bound by property name (listed numbers bind
    /// their account), never from an Id: a PhoneNumber's Id is a phone-number ID.
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

    /// <summary>Where the last reported state is kept across runs: a file, or a folder that holds watch-state.json.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? StatePath { get; set; }

    /// <summary>Seconds from the start of one poll to the start of the next.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue / 1000)]
    public int PollIntervalSec { get; set; } = DefaultPollIntervalSec;

    /// <summary>One poll against the saved state, then stop.</summary>
    [Parameter]
    public SwitchParameter Once { get; set; }

    /// <summary>Stops once this many changes were written.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>Stops after this many seconds; a poll under way finishes first.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue / 1000)]
    public int TimeoutSec { get; set; }

    /// <summary>Also receives webhooks on this prefix (as Receive-WaWebhook does), such as http://+:8080/hook/; needs -AppSecret.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Prefix { get; set; }

    /// <summary>The app secret the webhooks are signed with, as a string or SecureString. Never shown.</summary>
    [Parameter]
    [WebhookSecretTransformation]
    public SecureString? AppSecret { get; set; }

    /// <summary>The verify token for the webhook handshake; without it every verification GET gets 403.</summary>
    [Parameter]
    [WebhookSecretTransformation]
    public SecureString? VerifyToken { get; set; }

    /// <summary>A folder where each webhook is kept on disk before it is acknowledged, as Receive-WaWebhook -SpoolPath does.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SpoolPath { get; set; }

    /// <summary>The certificate (with its private key) an https:// -Prefix is served with.</summary>
    [Parameter]
    public X509Certificate2? Certificate { get; set; }

    private readonly List<string> _accounts = new List<string>();
    private IReadOnlyList<string> _fields = Array.Empty<string>();
    private GraphClock _clock = GraphClock.System;
    private DateTime? _deadline;
    private NumberWatch _watch = null!;
    private WatchStateFile? _stateFile;
    private int _written, _polls;
    private WebhookIntake? _intake;

    /// <summary>The watch's state changed since it was last saved.</summary>
    private bool _unsaved;

    private bool CountReached => Count > 0 && _written >= Count;

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (Once && StatePath == null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-Once compares one poll with the state a previous run saved, so it needs -StatePath: without it the one poll would only be a baseline, and report nothing."),
                "WaWatchOnceWithoutState", ErrorCategory.InvalidArgument, null));
        }
        _clock = Context?.Clock ?? GraphClock.System;
        var webhookOnly = new[] { (AppSecret != null, "-AppSecret"), (VerifyToken != null, "-VerifyToken"), (SpoolPath != null, "-SpoolPath"), (Certificate != null, "-Certificate") }
            .Where(p => p.Item1).Select(p => p.Item2).ToList();
        string? problem = null;
        if (Prefix != null && AppSecret == null) problem = "-Prefix receives webhooks, whose signature is checked with -AppSecret: give -AppSecret too.";
        else if (Prefix == null && webhookOnly.Count > 0) problem = $"{string.Join(", ", webhookOnly)} {(webhookOnly.Count == 1 ? "is" : "are")} for webhooks: give -Prefix too, or leave {(webhookOnly.Count == 1 ? "it" : "them")} out to poll only.";
        else if (Prefix != null && Once) problem = "-Once is one poll for a scheduled runbook; webhooks need a watch that keeps running: leave out -Once or -Prefix.";
        if (problem != null)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(problem), "WaWatchWebhookParameters", ErrorCategory.InvalidArgument, null));
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        // The token is the first thing a new user lacks: say so before asking for an account.
        var settings = ResolveSettings();
        if (_fields.Count == 0) _fields = PhoneNumberJson.FieldsFor(settings.MajorVersion);
        if (ParameterSetName == ByAccountObjectSet)
        {
            foreach (var account in BusinessAccount)
            {
                if (GraphInput.CheckId(account?.Id, IdKind.BusinessAccount) is { } problem)
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException(problem, nameof(BusinessAccount)), "WaInvalidArgument", ErrorCategory.InvalidArgument, null));
                WatchAccount(account!.Id);
            }
            return;
        }
        foreach (var account in BusinessAccountId ?? new[] { ResolveBusinessAccountId() }) WatchAccount(account);
    }

    private void WatchAccount(string account)
    {
        if (!_accounts.Contains(account, StringComparer.Ordinal)) _accounts.Add(account);
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (_accounts.Count == 0)
        {
            // Only an empty pipeline gets here: without input, the connection's account is watched.
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("No WhatsApp Business Account came through the pipeline, so there is nothing to watch."),
                "WaWatchNoAccount", ErrorCategory.InvalidArgument, null));
        }
        _watch = LoadState();
        if (TimeoutSec > 0) _deadline = _clock.UtcNow.AddSeconds(TimeoutSec);
        WriteVerbose($"Watching the numbers of {Accounts(_accounts)}: " +
            (Once ? "one poll." : $"a poll every {PollIntervalSec} s{(Count > 0 ? $", until {Count} changes" : "")}{(TimeoutSec > 0 ? $", for at most {TimeoutSec} s" : "")}; Ctrl+C stops."));
        if (Prefix != null)
            _intake = IntakeHost.Open(this, Prefix, AppSecret!, VerifyToken, SpoolPath, Certificate, " for webhooks about the watched numbers");
        try
        {
            Run();
        }
        finally
        {
            // From here a webhook is answered 503 (Meta delivers it again); a spool keeps what it holds.
            _intake?.Close();
            // However the watch ends (Ctrl+C, Select-Object -First), what was written stays written.
            if (_unsaved) SaveState(final: true);
            _stateFile?.Dispose(); // the lock: the next watch on this state may start
        }
        if (_intake != null) IntakeHost.Summarize(this, _intake, _written, "change(s) in all");
        base.EndProcessing();
    }

    /// <summary>Polls, and applies webhooks as they come, until -Once, -Count or -TimeoutSec ends the watch; Ctrl+C and Select-Object -First end it by exception.</summary>
    private void Run()
    {
        var pollDue = _clock.UtcNow;
        while (true)
        {
            switch (WaitForNext(pollDue))
            {
                case Wake.TimedOut:
                    WriteVerbose($"Stopped after {TimeoutSec} s (-TimeoutSec).");
                    return;
                case Wake.WebhookReady:
                    TakeWebhook();
                    break;
                default:
                    pollDue = _clock.UtcNow.AddSeconds(PollIntervalSec);
                    Poll();
                    if (Once) return;
                    break;
            }
            if (CountReached) return;
        }
    }

    /// <summary>What ended a wait.</summary>
    private enum Wake
    {
        PollDue,
        TimedOut,
        WebhookReady,
    }

    /// <summary>
    /// The watch's one wait, for whichever comes first: the next poll is due, -TimeoutSec passes, the
    /// webhook intake has something (with -Prefix), or Ctrl+C (a PipelineStoppedException).
    /// </summary>
    private Wake WaitForNext(DateTime pollDue)
    {
        var now = _clock.UtcNow;
        if (_deadline is DateTime deadline && now >= deadline) return Wake.TimedOut;
        var timesOut = _deadline is DateTime end && end < pollDue;
        var until = timesOut ? _deadline!.Value : pollDue;
        var webhook = _intake?.ItemReady();
        if (webhook is { IsCompleted: true }) return Wake.WebhookReady;
        if (until > now)
        {
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
            var waits = webhook == null ? new[] { _clock.Delay(until - now, ended.Token) } : new[] { _clock.Delay(until - now, ended.Token), webhook };
            try
            {
                if (Task.WaitAny(waits, Cancellation) == 1) return Wake.WebhookReady;
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                ended.Cancel();
            }
        }
        if (Cancellation.IsCancellationRequested) throw new PipelineStoppedException();
        return timesOut ? Wake.TimedOut : Wake.PollDue;
    }

    /// <summary>
    /// One poll: every account listed concurrently (every page, paced like every listing), then each
    /// complete listing compared with the known state and its changes written. An account whose
    /// listing failed or was cut short is a non-terminating error and keeps its known numbers. Each
    /// account is listed with a client of its own, so a token refused for one account (or in an
    /// earlier poll) is tried again instead of failing the rest at once.
    /// </summary>
    private void Poll()
    {
        _polls++;
        var (read, failed) = List(_watch.Accounts, ChangeSource.Poll, $"Poll {_polls}");
        SaveState(final: false);
        WriteVerbose($"Poll {_polls}: {read}{(failed.Count > 0 ? $"; {Accounts(failed)} could not be read" : "")}.");
    }

    /// <summary>
    /// Lists <paramref name="accounts"/> concurrently and writes each complete listing's changes with
    /// <paramref name="source"/>; returns what was read and which accounts failed (they keep their numbers).
    /// </summary>
    private (string Read, HashSet<string> Failed) List(IReadOnlyList<string> accounts, ChangeSource source, string what)
    {
        var listings = accounts.ToDictionary(a => a, _ => new List<PhoneNumber>(), StringComparer.Ordinal);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var account in accounts) AddAccount(account, _fields, GraphClient.MaxPageSize, false, null, client: NewClient());
        WriteArrived(all: true, (source, page) =>
        {
            listings[source.Id].AddRange(page.Items);
            return page.Items.Count;
        }, source =>
        {
            failed.Add(source.Id);
            return $"{what} could not read this account, so its numbers keep their last known state (none is reported removed); the next poll reads it again.";
        });

        var written = _written;
        foreach (var account in accounts.Where(a => !failed.Contains(a)))
        {
            if (!_watch.HasBaseline(account))
                WriteVerbose($"WhatsApp Business Account {account}: {listings[account].Count} numbers, taken as the baseline; changes are reported from the next poll on.");
            if (!WriteChanges(_watch.ApplyPoll(account, listings[account], source))) break;
        }
        return ($"{listings.Where(l => !failed.Contains(l.Key)).Sum(l => l.Value.Count)} numbers read, {_written - written} changes written", failed);
    }

    /// <summary>One item of the webhook intake: a report line, or a notification whose events are applied.</summary>
    private void TakeWebhook()
    {
        IntakeItem? item;
        try
        {
            item = _intake!.Take(0, Cancellation);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        if (item is IntakeReport report) IntakeHost.Say(this, report);
        else if (item is IntakeNotification notification) Apply(notification);
    }

    /// <summary>
    /// Applies a notification's events in order, and acknowledges it (Complete) with how many were
    /// applied: all, or those before one that could not be (Graph failed: an error, and Meta delivers
    /// the notification again) or before the watch stopped. The state is saved after it.
    /// </summary>
    private void Apply(IntakeNotification item)
    {
        if (item.Error != null)
        {
            try
            {
                WriteError(WaWebhookCmdlet.Refusal(item.Error));
            }
            finally
            {
                _intake!.Complete(item, 0);
            }
            return;
        }
        if (item.DuplicatesSkipped > 0)
            WriteVerbose($"Left out {item.DuplicatesSkipped} event(s) of a webhook already applied (a re-delivery; same Id).");
        var applied = 0;
        try
        {
            foreach (var ev in item.Events)
            {
                if (CountReached || !ApplyEvent(ev)) break;
                applied++;
            }
        }
        catch (PipelineStoppedException) when (!Stopping)
        {
            // Select-Object -First took the change this event made, and wants no more.
            applied++;
            throw;
        }
        finally
        {
            if (_unsaved && !Stopping) SaveState(final: false);
            _intake!.Complete(item, applied);
        }
    }

    /// <summary>
    /// One event: a number's own (quality, name, security, an alert about a number) makes it read that
    /// number and write what changed, with Source Webhook; an account's (update, review) makes it read
    /// the account; anything else (messages) is not about a number's state. False when Graph failed
    /// (an error was written): the event is not applied.
    /// </summary>
    private bool ApplyEvent(WebhookEvent ev)
    {
        var account = ev.BusinessAccountId;
        if (account == null || !_watch.Accounts.Contains(account, StringComparer.Ordinal)) return true;
        switch (ev)
        {
            case AccountUpdateEvent or AccountReviewUpdateEvent:
                var (read, failed) = List(new[] { account }, ChangeSource.Webhook, $"The {ev.Field} webhook");
                WriteVerbose($"Read WhatsApp Business Account {account} again after its {ev.Field} webhook: {read}.");
                return failed.Count == 0;
            case QualityUpdateEvent or NameUpdateEvent or SecurityEvent or AccountAlertEvent:
                break;
            default:
                return true;
        }
        if (ev is AccountAlertEvent && ev.PhoneNumberId == null) return true; // about the business, not a number
        var id = ev.PhoneNumberId ?? _watch.FindByDigits(account, ev.DisplayPhoneNumber);
        var client = NewClient();
        if (id == null)
        {
            // A number the watch has not listed yet: look it up among the account's numbers.
            if (!TryRun(account, () => Wait(new PhoneNumberIdResolver(client).ResolveAsync(ev, Cancellation)))) return false;
            if ((id = ev.PhoneNumberId) == null)
            {
                WriteVerbose($"A {ev.Field} webhook names {ev.DisplayPhoneNumber}, which is not a number of WhatsApp Business Account {account}: nothing to read.");
                return true;
            }
        }
        PhoneNumber? number = null;
        if (!TryRun(id, () => number = Wait(client.GetPhoneNumberAsync(id, _fields, null, Cancellation)),
                () => $"The {ev.Field} webhook about it is not acknowledged, so Meta delivers it again; the next poll reads the number too.")) return false;
        number!.BusinessAccountId ??= account;
        WriteChanges(_watch.ApplyNumber(number, ChangeSource.Webhook));
        return true;
    }

    /// <inheritdoc/>
    protected override void DisposeResources()
    {
        _intake?.Dispose();
        _stateFile?.Dispose();
        base.DisposeResources();
    }

    /// <summary>
    /// Writes the changes of one Apply of the watch (which changes its state even with no change to
    /// write), in order, each made known to the watch as it is written. False once -Count is reached:
    /// the rest stay unreported, and the next run finds them again. The webhook intake writes through
    /// here too, then saves (SaveState).
    /// </summary>
    private bool WriteChanges(IReadOnlyList<PhoneNumberChange> changes)
    {
        _unsaved = true;
        foreach (var change in changes)
        {
            if (CountReached) return false;
            try
            {
                WriteObject(change);
            }
            catch (PipelineStoppedException) when (!Stopping)
            {
                // Select-Object -First took this change and wants no more (Ctrl+C would have stopped before writing it).
                _watch.Reported(change);
                throw;
            }
            _watch.Reported(change);
            _written++;
        }
        return !CountReached;
    }

    /// <summary>The saved state, checked against the accounts; none is a baseline. A state that cannot be used is a terminating error, and is left as it is.</summary>
    private NumberWatch LoadState()
    {
        if (StatePath == null)
        {
            WriteVerbose("No -StatePath: the state is kept in memory only, and the first poll is the baseline.");
            return new NumberWatch(_accounts);
        }
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(StatePath, out var provider, out _);
        if (provider.Name != "FileSystem")
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-StatePath must be a file-system path, not {StatePath}."),
                "WaInvalidArgument", ErrorCategory.InvalidArgument, StatePath));
        }
        _stateFile = new WatchStateFile(path);
        NumberWatch? saved = null;
        try
        {
            _stateFile.Lock();
            saved = _stateFile.Load(_accounts);
        }
        catch (WatchStateException ex)
        {
            var category = ex.ErrorId switch
            {
                WatchStateException.OtherAccounts => ErrorCategory.InvalidArgument,
                WatchStateException.Locked => ErrorCategory.ResourceBusy,
                _ => ErrorCategory.InvalidData,
            };
            ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, category, _stateFile.Path));
        }
        if (saved != null) return saved;
        WriteVerbose($"No saved state at {_stateFile.Path}: the first poll is the baseline, and reports nothing.");
        return new NumberWatch(_accounts);
    }

    /// <summary>
    /// Saves the known state (with -StatePath). A failure is a non-terminating error and the watch
    /// goes on (the next save tries again); once the pipeline has stopped, nothing can be written, so it is dropped.
    /// </summary>
    private void SaveState(bool final)
    {
        if (_stateFile == null) return;
        try
        {
            _stateFile.Save(_watch, _clock.UtcNow);
            _unsaved = false;
        }
        catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
        {
            if (final && Stopping) return;
            try
            {
                WriteError(new ErrorRecord(new InvalidOperationException($"The watch state could not be saved to {_stateFile.Path}: {ex.Message} " +
                    "The changes written since the last save may be written again by the next run.", ex), "WaWatchStateNotSaved", ErrorCategory.WriteError, _stateFile.Path));
            }
            catch (PipelineStoppedException)
            {
            }
        }
    }

    private static string Accounts(IEnumerable<string> accounts)
    {
        var list = accounts.ToList();
        return list.Count == 1 ? $"WhatsApp Business Account {list[0]}" : $"WhatsApp Business Accounts {string.Join(", ", list)}";
    }
}
