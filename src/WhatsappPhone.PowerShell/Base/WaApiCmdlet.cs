using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Concurrency;
using WhatsappPhone.Connection;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>
    /// The base of every cmdlet that calls the API: resolves the connection on first use, cancels
    /// in-flight requests on Ctrl+C, writes the client's trace as debug output on the pipeline
    /// thread, and turns every failure into an ErrorRecord in one place.
    /// </summary>
    public abstract class WaApiCmdlet : PSCmdlet, IDisposable
    {
        readonly CancellationTokenSource stopping = new CancellationTokenSource();
        readonly QueuedLog log = new QueuedLog();
        GraphSettings? settings;
        GraphClient? client;

        /// <summary>A connection from Connect-WaAccount -PassThru, for parallel runspaces or several accounts.</summary>
        [Parameter]
        public WaContext? Context { get; set; }

        protected CancellationToken Cancellation => stopping.Token;

        /// <summary>The resolved connection, read when first needed, so -WhatIf works without one.</summary>
        private protected GraphSettings Settings
        {
            get
            {
                if (settings != null) return settings;
                try
                {
                    settings = ConnectionResolver.Resolve(Context);
                }
                catch (WaConnectionException ex)
                {
                    ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId,
                        ex.ErrorId == "WaNotConnected" ? ErrorCategory.AuthenticationError : ErrorCategory.InvalidArgument, null));
                }
                return settings!;
            }
        }

        private protected GraphClient Client => client ??= new GraphClient(Settings, null, log);

        protected override void StopProcessing() => stopping.Cancel();

        protected override void EndProcessing() => FlushLog();

        public void Dispose()
        {
            DisposeResources();
            stopping.Dispose();
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
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                FlushLog();
            }
        }

        protected void Wait(Task task) => Wait(Completion(task));

        static async Task<bool> Completion(Task task)
        {
            await task.ConfigureAwait(false);
            return true;
        }

        /// <summary>
        /// The pages of a listing, fetched one at a time on the pipeline thread as the caller asks
        /// for them: a caller that stops asking sends no further request.
        /// </summary>
        private protected IEnumerable<Page<T>> Pages<T>(Uri first, Func<Uri, CancellationToken, Task<Page<T>>> fetch, string what)
        {
            var pages = new PageIterator<T>(first, fetch);
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
                case OperationCanceledException when stopping.IsCancellationRequested:
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
        private protected IGraphLog Log => log;

        /// <summary>
        /// How many requests run at once when many numbers or accounts are asked for. Graph limits
        /// management calls per hour (per app and account: 200, or 5,000 for an account with a
        /// registered number), not how many are in flight, so running 32 at once sends no more calls,
        /// only sooner: 400 numbers at 25 ms a request take about 0.4 s instead of 12 s sequentially.
        /// Near a limit the transport paces requests per account whatever this is (UsageThrottle).
        /// </summary>
        public const int DefaultThrottleLimit = 32;

        /// <summary>
        /// Writes what a fan-out produced, in input order, on the pipeline thread; each failure
        /// becomes a non-terminating error with <paramref name="progress"/> saying how far it got.
        /// </summary>
        internal void Drain<T>(OrderedFanOut<T> fanOut, int keep, Func<object, T, bool> write, Func<object, string>? progress = null)
        {
            try
            {
                fanOut.Drain(keep, (target, item) =>
                {
                    FlushLog();
                    return write(target, item);
                }, (target, ex) =>
                {
                    FlushLog();
                    WriteFailure(target, ex, progress?.Invoke(target));
                }, Cancellation);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                fanOut.Stop();
                throw new PipelineStoppedException();
            }
            catch (PipelineStoppedException)
            {
                // Select-Object -First has what it needs: nothing more is fetched.
                fanOut.Stop();
                throw;
            }
            FlushLog();
        }

        /// <summary>Progress for long work, only where a person watches: an interactive console host.</summary>
        protected void Progress(int activityId, string activity, string status, bool completed = false)
        {
            if (!Interactive) return;
            WriteProgress(new ProgressRecord(activityId, activity, status) { RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing });
        }

        bool Interactive => interactive ??= Host?.Name == "ConsoleHost" && Environment.UserInteractive && !Console.IsOutputRedirected
            && Array.FindIndex(Environment.GetCommandLineArgs(), a => a.StartsWith("-noni", StringComparison.OrdinalIgnoreCase)) < 0;
        bool? interactive;

        /// <summary>Writes what the client logged; only the pipeline thread may write to PowerShell's streams.</summary>
        protected void FlushLog()
        {
            while (log.Lines.TryDequeue(out var entry))
                if (entry.Verbose) WriteVerbose(entry.Line);
                else if (DebugNeverInquires()) WriteDebug(entry.Line);
        }

        /// <summary>
        /// The trace is written after its request was sent, so it must never prompt: a prompt there turns a
        /// done register into a failure (and a non-interactive host throws). Inquire, which Windows
        /// PowerShell and PowerShell before 7.4 make of -Debug on a compiled cmdlet (or a user's
        /// $DebugPreference), is taken as Continue, as PowerShell 7.4 does for -Debug. Should the runtime
        /// not allow that, the trace is left out rather than prompt.
        /// </summary>
        bool DebugNeverInquires()
        {
            if (debugWritable is bool known) return known;
            var runtime = CommandRuntime;
            var preference = runtime?.GetType().GetProperty("DebugPreference", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            try
            {
                if (preference?.GetValue(runtime) is not ActionPreference.Inquire) return (bool)(debugWritable = preference != null || !InquireByVariable());
                preference.SetValue(runtime, ActionPreference.Continue);
                return (bool)(debugWritable = true);
            }
            catch (Exception ex) when (ex is TargetInvocationException || ex is ArgumentException || ex is MethodAccessException)
            {
                return (bool)(debugWritable = false);
            }
        }

        bool? debugWritable;

        bool InquireByVariable() =>
            (MyInvocation.BoundParameters.TryGetValue("Debug", out var debug) && debug is SwitchParameter { IsPresent: true })
            || GetVariableValue("DebugPreference") is ActionPreference.Inquire;
    }
}
