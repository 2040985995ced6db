using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Concurrency
{
    /// <summary>
    /// Runs producers concurrently, at most <c>limit</c> at once and started in input order, and hands
    /// what they produce to the pipeline thread in input order. Each producer (one phone number, or
    /// one account's pages) has a small buffer: a listing fetches its next page while the current
    /// one is written, and never runs further ahead, so memory stays flat. Background work never
    /// writes to PowerShell's streams; the pipeline thread does, in <see cref="Drain"/>. A target says
    /// what a producer reads (a number, an account), and is handed back with its items and its error.
    /// </summary>
    internal sealed class OrderedFanOut<TTarget, T> : IDisposable
    {
        readonly int limit;
        readonly int buffer;
        readonly CancellationTokenSource cancel;
        readonly Queue<Slot> pending = new Queue<Slot>();
        readonly Queue<Slot> notStarted = new Queue<Slot>();
        readonly object sync = new object();
        int running;

        /// <param name="limit">How many producers run at once.</param>
        /// <param name="buffer">How many items of one producer may be pushed and not yet written (the one being written included); the producer works on one more meanwhile.</param>
        /// <param name="stopping">Ctrl+C: cancels every producer.</param>
        public OrderedFanOut(int limit, int buffer, CancellationToken stopping)
        {
            this.limit = Math.Max(1, limit);
            this.buffer = Math.Max(1, buffer);
            cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        }

        /// <summary>Producers added and not yet fully written.</summary>
        public int Pending => pending.Count;

        /// <summary>Queues a producer; it starts as soon as fewer than the limit run.</summary>
        public void Add(TTarget target, Func<Func<T, Task>, CancellationToken, Task> produce)
        {
            var slot = new Slot(target, buffer, produce);
            pending.Enqueue(slot);
            lock (sync) notStarted.Enqueue(slot);
            StartMore();
        }

        void StartMore()
        {
            lock (sync)
                while (running < limit && notStarted.Count > 0)
                {
                    running++;
                    var slot = notStarted.Dequeue();
                    Task.Run(() => slot.RunAsync(cancel.Token)).ContinueWith(_ =>
                    {
                        lock (sync) running--;
                        StartMore();
                    }, TaskScheduler.Default);
                }
        }

        /// <summary>
        /// On the pipeline thread: writes, in input order, the items of every producer beyond the
        /// first <paramref name="keep"/> still queued (all of them when 0). <paramref name="write"/>
        /// returns false to stop everything (enough was written); <paramref name="fail"/> gets a
        /// producer's error after its items were written.
        /// </summary>
        public void Drain(int keep, Func<TTarget, T, bool> write, Action<TTarget, Exception> fail, CancellationToken stopping)
        {
            while (pending.Count > keep)
            {
                var slot = pending.Peek();
                while (slot.Take(stopping, out var item))
                {
                    if (!write(slot.Target, item))
                    {
                        Stop();
                        return;
                    }
                    slot.Written();
                }
                pending.Dequeue();
                if (slot.Error != null) fail(slot.Target, slot.Error);
            }
        }

        /// <summary>Cancels every producer; nothing more is sent.</summary>
        public void Stop()
        {
            cancel.Cancel();
            pending.Clear();
            lock (sync) notStarted.Clear();
        }

        public void Dispose()
        {
            cancel.Cancel();
            cancel.Dispose();
        }

        /// <summary>One producer's items, bounded, with its completion.</summary>
        sealed class Slot
        {
            readonly ConcurrentQueue<T> items = new ConcurrentQueue<T>();
            readonly SemaphoreSlim available = new SemaphoreSlim(0);
            readonly SemaphoreSlim space;
            readonly Func<Func<T, Task>, CancellationToken, Task> produce;

            public Slot(TTarget target, int buffer, Func<Func<T, Task>, CancellationToken, Task> produce)
            {
                Target = target;
                space = new SemaphoreSlim(buffer);
                this.produce = produce;
            }

            public TTarget Target { get; }
            public Exception? Error { get; private set; }

            public async Task RunAsync(CancellationToken cancellationToken)
            {
                try
                {
                    await produce(async item =>
                    {
                        await space.WaitAsync(cancellationToken).ConfigureAwait(false);
                        items.Enqueue(item);
                        available.Release();
                    }, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    Error = ex;
                }
                finally
                {
                    // One more signal than items: the writer reads it as "finished".
                    available.Release();
                }
            }

            /// <summary>Blocks until the next item or the end; false at the end. The item keeps its place in the buffer until <see cref="Written"/>.</summary>
            public bool Take(CancellationToken stopping, out T item)
            {
                available.Wait(stopping);
                return items.TryDequeue(out item!);
            }

            /// <summary>
            /// The taken item is written: only now may the producer push another. Freed at Take, the
            /// producer could push the next page while this one is written and fetch a third, two ahead
            /// of the pipeline, and Select-Object -First would see a page requested it never asked for.
            /// </summary>
            public void Written() => space.Release();
        }
    }
}
