using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Api;
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
        protected GraphSettings Settings
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

        protected GraphClient Client => client ??= new GraphClient(Settings, null, log);

        protected override void StopProcessing() => stopping.Cancel();

        protected override void EndProcessing() => FlushLog();

        public void Dispose() => stopping.Dispose();

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
        protected IEnumerable<Page<T>> Pages<T>(Uri first, Func<Uri, Task<Page<T>>> fetch, string what)
        {
            Uri? next = first;
            for (var number = 1; next != null; number++)
            {
                WriteVerbose($"Reading page {number} of {what}.");
                var page = Wait(fetch(next));
                yield return page;
                next = page.Next;
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
            catch (GraphApiException ex)
            {
                WriteError(ErrorRecords.FromGraph(ex, target, progress?.Invoke()));
            }
            catch (ArgumentException ex)
            {
                WriteError(new ErrorRecord(ex, "WaInvalidArgument", ErrorCategory.InvalidArgument, target));
            }
            return false;
        }

        /// <summary>Writes what the client logged; only the pipeline thread may write to PowerShell's streams.</summary>
        protected void FlushLog()
        {
            while (log.Lines.TryDequeue(out var entry))
                if (entry.Verbose) WriteVerbose(entry.Line);
                else WriteDebug(entry.Line);
        }

        /// <summary>The client logs from thread-pool threads; lines wait here for the pipeline thread.</summary>
        sealed class QueuedLog : IGraphLog
        {
            public readonly ConcurrentQueue<(bool Verbose, string Line)> Lines = new ConcurrentQueue<(bool, string)>();
            public void Debug(string line) => Lines.Enqueue((false, line));
            public void Verbose(string line) => Lines.Enqueue((true, line));
        }
    }
}
