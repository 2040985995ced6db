using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Net;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Connection;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// The base of every cmdlet that calls the API: resolves the connection when asked to, cancels
/// in-flight requests on Ctrl+C, writes the client's trace as debug output on the pipeline
/// thread, asks before a change, and turns every failure into an ErrorRecord in one place.
/// </summary>
public abstract class WaApiCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
    private readonly QueuedLog _log = new QueuedLog();
    private GraphSettings? _settings;
    private GraphClient? _client;

    /// <summary>A connection from Connect-WaAccount -PassThru, for parallel runspaces or several accounts.</summary>
    [Parameter]
    public WaContext? Context { get; set; }

    /// <summary>
    /// Skips the confirmation prompt; -WhatIf and -Confirm still win. A cmdlet that offers it
    /// declares <c>[Parameter] public override SwitchParameter Force { get; set; }</c>.
    /// </summary>
    public virtual SwitchParameter Force { get; set; }

    /// <summary>Cancelled by Ctrl+C (StopProcessing).</summary>
    protected CancellationToken Cancellation => _stopping.Token;

    /// <summary>
    /// Resolves the connection (-Context, Connect-WaAccount, the environment) once, and makes
    /// <see cref="Client"/> usable. Called when a request is about to be sent, so -WhatIf needs no
    /// connection; none or a bad setting is a terminating error.
    /// </summary>
    private protected GraphSettings ResolveSettings()
    {
        if (_settings != null) return _settings;
        try
        {
            _settings = ConnectionResolver.Resolve(Context);
        }
        catch (WaConnectionException ex)
        {
            ThrowTerminatingError(ConnectionError(ex));
        }
        _client = new GraphClient(_settings!, null, _log);
        return _settings!;
    }

    /// <summary>The account to list when none is given: the connection's, else WHATSAPP_BUSINESS_ID; none is a terminating error.</summary>
    private protected string ResolveBusinessAccountId()
    {
        try
        {
            return ConnectionResolver.ResolveBusinessAccountId(Context);
        }
        catch (WaConnectionException ex)
        {
            ThrowTerminatingError(ConnectionError(ex));
            throw;
        }
    }

    /// <summary>
    /// A client of its own over the resolved connection (the same HTTP pool and usage pacing): Graph's
    /// refusal of the token, which makes a client fail every later request at once, stays with it.
    /// Watch-WaPhoneNumber lists each account of each poll with one, so that one account's refusal (no
    /// permission on it) fails neither the other accounts nor the next poll.
    /// </summary>
    private protected GraphClient NewClient() => new GraphClient(ResolveSettings(), null, _log);

    /// <summary>The client of the resolved connection; <see cref="ResolveSettings"/> comes first.</summary>
    private protected GraphClient Client => _client ?? throw new InvalidOperationException($"{GetType().Name} used the client before ResolveSettings().");

    /// <summary>The one mapping of a connection problem: not connected is an authentication error, a bad setting an invalid argument.</summary>
    private static ErrorRecord ConnectionError(WaConnectionException ex) =>
        new ErrorRecord(ex, ex.ErrorId, ex.ErrorId == "WaNotConnected" ? ErrorCategory.AuthenticationError : ErrorCategory.InvalidArgument, null);

    /// <summary>
    /// ShouldProcess for a change, or yes with -Force (unless -WhatIf or -Confirm is given). Where
    /// the host cannot ask (a runbook, pwsh -NonInteractive), a terminating error that says how
    /// to proceed instead of the host's bare "NonInteractive mode" one. Nothing is sent either way.
    /// </summary>
    /// <param name="target">What changes, as the prompt names it, such as "phone number 107878721936019".</param>
    /// <param name="action">The change, such as "Register with the WhatsApp Cloud API".</param>
    /// <param name="targetObject">The ID, as the error's TargetObject.</param>
    protected bool ShouldChange(string target, string action, object? targetObject = null)
    {
        if (Force && !Requested("WhatIf") && !Requested("Confirm"))
        {
            WriteVerbose($"Performing the operation \"{action}\" on target \"{target}\" (-Force: not asking for confirmation).");
            return Agreed(true);
        }
        try
        {
            return Agreed(ShouldProcess(target, action));
        }
        catch (Exception ex) when (ex is PSInvalidOperationException || ex is HostException)
        {
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException($"{MyInvocation.MyCommand.Name} asks for confirmation before it changes {target}, and this host cannot ask. " +
                    "Nothing was sent. In a runbook pass -Confirm:$false (or -Force where the cmdlet has it); -WhatIf shows what would change.", ex),
                "WaConfirmationNotPossible", ErrorCategory.InvalidOperation, targetObject));
            return false;
        }
    }

    /// <summary>Once a change is agreed to, nothing written from then on may prompt (<see cref="NeverInquire"/>).</summary>
    private bool Agreed(bool agreed)
    {
        if (agreed) NeverInquire(StreamsAfterAChange);
        return agreed;
    }

    /// <summary>-WhatIf or -Confirm given, or (for WhatIf) set by preference: -Force must not override either.</summary>
    private bool Requested(string name) =>
        MyInvocation.BoundParameters.TryGetValue(name, out var value) ? LanguagePrimitives.IsTrue(value)
        : name == "WhatIf" && LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    /// <inheritdoc/>
    protected override void StopProcessing() => _stopping.Cancel();

    /// <inheritdoc/>
    protected override void EndProcessing() => FlushLog();

    /// <inheritdoc/>
    public void Dispose()
    {
        DisposeResources();
        _stopping.Dispose();
    }

    /// <summary>Releases what a derived cmdlet holds; called once, by Dispose.</summary>
    protected virtual void DisposeResources() { }

    /// <summary>Waits for a request on the pipeline thread; Ctrl+C stops the wait at once.</summary>
    protected T Wait<T>(Task<T> task)
    {
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            FlushLog();
        }
    }

    /// <summary>Waits for a request that returns nothing, as <see cref="Wait{T}(Task{T})"/> does.</summary>
    protected void Wait(Task task) => Wait(Completion(task));

    private static async Task<bool> Completion(Task task)
    {
        await task.ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Sends a change already agreed to (ShouldChange) and, when <paramref name="readBack"/> is given
    /// (-PassThru), reads back and writes what changed; a failure is a non-terminating error for
    /// <paramref name="id"/>, worded by <see cref="WaitForChange"/> and <see cref="ReadBackAfterChange"/>.
    /// </summary>
    /// <param name="id">The ID changed: the error's TargetObject.</param>
    /// <param name="target">What changes, as messages name it, such as "phone number 107878721936019".</param>
    /// <param name="action">The change, such as "Register with the WhatsApp Cloud API".</param>
    /// <param name="check">The command that shows whether the change took effect, with its ID.</param>
    /// <param name="send">Sends the change request, and nothing else.</param>
    /// <param name="readBack">Reads back and writes; null without -PassThru.</param>
    private protected bool SendChange(string id, string target, string action, string check, Func<Task> send, Action? readBack) =>
        TryRun(id, () =>
        {
            WaitForChange(send(), target, action, check);
            if (readBack != null) ReadBackAfterChange(readBack, target, action, check);
        });

    /// <summary>
    /// Waits for a change request. A 2xx answer that could not be read is not a failure that invites a
    /// retry: Graph accepted the change and only its answer was lost, so it is <see cref="ChangeOutcomeUnknown"/>,
    /// not transient, and says to check before repeating (a register or deregister counts against <see cref="RegisterLimit"/>).
    /// </summary>
    private protected void WaitForChange(Task change, string target, string action, string check)
    {
        try
        {
            Wait(change);
        }
        catch (GraphApiException ex) when (ex.HttpStatusCode is HttpStatusCode status && (int)status >= 200 && (int)status < 300)
        {
            throw new GraphApiException(
                $"{action} on {target}: Graph answered HTTP {(int)status} but the answer could not be read ({ex.BaseMessage}), so the change may have taken effect. " +
                $"Check with {check} before repeating it.", status, ex)
            { Request = ex.Request, FbTraceId = ex.FbTraceId, LocalErrorId = ChangeOutcomeUnknown };
        }
        WriteVerbose($"Done: {action} on {target}.");
    }

    /// <summary>
    /// Reads back after a change that was done (-PassThru). Its failure is <see cref="ReadBackFailed"/> and says
    /// the change was done: reported with the change's ID alone, it would look like a failed change and be repeated.
    /// </summary>
    private protected void ReadBackAfterChange(Action readBack, string target, string action, string check)
    {
        try
        {
            readBack();
        }
        catch (GraphApiException ex)
        {
            throw new GraphApiException(
                $"Done: {action} on {target}; only reading it back for -PassThru failed: {ex.Message} " +
                $"Do not repeat the change; read it again later ({check}).", ex.HttpStatusCode, ex)
            { Request = ex.Request, FbTraceId = ex.FbTraceId, IsTransient = ex.IsTransient, LocalErrorId = ReadBackFailed };
        }
    }

    /// <summary>The change was done; only the -PassThru read that followed it failed.</summary>
    internal const string ReadBackFailed = "WaReadBackFailed";

    /// <summary>Graph answered a change with success but its answer was cut off or unreadable.</summary>
    internal const string ChangeOutcomeUnknown = "WaChangeOutcomeUnknown";

    /// <summary>
    /// The pages of a listing, fetched one at a time on the pipeline thread as the caller asks
    /// for them: a caller that stops asking sends no further request.
    /// </summary>
    private protected IEnumerable<Page<T>> Pages<T>(Uri first, Func<Uri, CancellationToken, Task<Page<T>>> fetch, Func<T, string?> identity, string what)
    {
        var pages = new PageIterator<T>(first, fetch, identity);
        while (true)
        {
            WriteVerbose($"Reading page {pages.PagesRead + 1} of {what}.");
            if (Wait(pages.NextAsync(Cancellation)) is not { } page) yield break;
            yield return page;
        }
    }

    /// <summary>
    /// Runs one unit of work for <paramref name="target"/>; a failure becomes a non-terminating
    /// error so the rest of the pipeline still runs.
    /// </summary>
    /// <param name="target">The ID the work is for: the error's TargetObject.</param>
    /// <param name="action">The work.</param>
    /// <param name="progress">Says how far the work got, added to the error's message (a listing's count so far).</param>
    protected bool TryRun(object? target, Action action, Func<string>? progress = null)
    {
        try
        {
            action();
            return true;
        }
        catch (Exception ex) when (ex is GraphApiException || ex is ArgumentException || ex is WaStateException)
        {
            WriteFailure(target, ex, progress?.Invoke());
        }
        return false;
    }

    /// <summary>A failure of one item as a non-terminating error; a stop is passed on as one.</summary>
    protected void WriteFailure(object? target, Exception ex, string? progress = null)
    {
        if (ex is not OperationCanceledException) FailureCount++;
        switch (ex)
        {
            case GraphApiException graph:
                WriteError(ErrorRecords.FromGraph(graph, target, progress));
                break;
            case ArgumentException argument:
                WriteError(new ErrorRecord(argument, "WaInvalidArgument", ErrorCategory.InvalidArgument, target));
                break;
            case WaStateException state:
                WriteError(new ErrorRecord(state, state.ErrorId, ErrorCategory.InvalidOperation, target));
                break;
            case OperationCanceledException when _stopping.IsCancellationRequested:
                throw new PipelineStoppedException();
            case OperationCanceledException:
                break; // the fan-out was stopped because enough was written
            default:
                WriteError(new ErrorRecord(ex, "WaUnexpectedError", ErrorCategory.NotSpecified, target));
                break;
        }
    }

    /// <summary>How many items failed so far (each written as a non-terminating error).</summary>
    protected int FailureCount { get; private set; }

    /// <summary>Receives the client's log from background work; written out on the pipeline thread.</summary>
    private protected IGraphLog Log => _log;

    /// <summary>Writes what the client logged; only the pipeline thread may write to PowerShell's streams.</summary>
    protected void FlushLog()
    {
        while (_log.Lines.TryDequeue(out var entry))
        {
            if (entry.Verbose) WriteVerbose(entry.Line);
            else if (DebugNeverInquires()) WriteDebug(entry.Line);
        }
    }

    /// <summary>
    /// The trace is written after its request was sent, so it must never prompt: debug output's
    /// Inquire is taken as Continue (<see cref="NeverInquire"/>). Should the runtime not allow that,
    /// the trace is left out rather than prompt.
    /// </summary>
    private bool DebugNeverInquires()
    {
        if (_debugWritable is bool known) return known;
        return (bool)(_debugWritable = NeverInquire(DebugStream) || !InquireByVariable());
    }

    private bool? _debugWritable;

    private const string DebugStream = "Debug";

    /// <summary>The streams written after a change was sent: none of them may prompt then.</summary>
    private static readonly string[] StreamsAfterAChange = { "Verbose", DebugStream, "Warning", "Information", "Progress" };

    /// <summary>
    /// Takes Inquire as Continue for the rest of the command on these streams (the runtime's
    /// <c>VerbosePreference</c> and so on, set by reflection: the compiled-cmdlet API has no setter).
    /// A prompt on a line written after a change was sent turns a done change into a failure, and a host
    /// that cannot ask (pwsh -NonInteractive, a runbook) throws. Returns false when a stream that asks
    /// could not be changed.
    /// </summary>
    private bool NeverInquire(params string[] streams)
    {
        var runtime = CommandRuntime;
        var all = true;
        foreach (var stream in streams)
        {
            var preference = Member(runtime, stream + "Preference");
            try
            {
                if (preference?.GetValue(runtime) is not ActionPreference.Inquire)
                {
                    if (preference == null && stream == DebugStream) all = false;
                    continue;
                }
                if (preference.CanWrite)
                {
                    preference.SetValue(runtime, ActionPreference.Continue);
                }
                else
                {
                    // The verbose preference has no setter; the -Verbose flag, once set, comes first in its getter.
                    Member(runtime, stream)!.SetValue(runtime, true);
                    Member(runtime, "Is" + stream + "FlagSet")!.SetValue(runtime, true);
                }
                all &= preference.GetValue(runtime) is not ActionPreference.Inquire;
            }
            catch (Exception ex) when (ex is TargetInvocationException || ex is ArgumentException || ex is MethodAccessException || ex is NullReferenceException)
            {
                all = false;
            }
        }
        return all;
    }

    private static PropertyInfo? Member(object? runtime, string name) =>
        runtime?.GetType().GetProperty(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        // -Debug asks to see the debug stream, not to be asked about every line: PowerShell 7.4 and
        // later take it so for debug output, but 7.6 still sets the verbose preference to Inquire
        // (and Windows PowerShell the debug one), which fails a runbook on its first such line.
        if (MyInvocation.BoundParameters.TryGetValue("Debug", out var debug) && debug is SwitchParameter { IsPresent: true })
            NeverInquire(StreamsAfterAChange);
    }

    private bool InquireByVariable() =>
        (MyInvocation.BoundParameters.TryGetValue("Debug", out var debug) && debug is SwitchParameter { IsPresent: true })
        || GetVariableValue("DebugPreference") is ActionPreference.Inquire;
}
