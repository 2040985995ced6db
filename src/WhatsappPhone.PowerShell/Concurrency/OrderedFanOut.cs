using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Concurrency;

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
    private readonly int _limit;
    private readonly int _buffer;
    private readonly CancellationTokenSource _cancel;
    private readonly Queue<Slot> _pending = new Queue<Slot>();
    private readonly Queue<Slot> _notStarted = new Queue<Slot>();
    private readonly object _sync = new object();
    private int _running;

    /// <param name="limit">How many producers run at once.</param>
    /// <param name="buffer">How many items of one producer may be pushed and not yet written (the one being written included); the producer works on one more meanwhile.</param>
    /// <param name="stopping">Ctrl+C: cancels every producer.</param>
    public OrderedFanOut(int limit, int buffer, CancellationToken stopping)
    {
        _limit = Math.Max(1, limit);
        _buffer = Math.Max(1, buffer);
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    /// <summary>Producers added and not yet fully written.</summary>
    public int Pending => _pending.Count;

    /// <summary>Queues a producer; it starts as soon as fewer than the limit run.</summary>
    public void Add(TTarget target, Func<Func<T, Task>, CancellationToken, Task> produce)
    {
        var slot = new Slot(target, _buffer, produce);
        _pending.Enqueue(slot);
        lock (_sync) _notStarted.Enqueue(slot);
        StartMore();
    }

    private void StartMore()
    {
        lock (_sync)
        {
            while (_running < _limit && _notStarted.Count > 0)
            {
                _running++;
                var slot = _notStarted.Dequeue();
                Task.Run(() => slot.RunAsync(_cancel.Token)).ContinueWith(_ =>
                {
                    lock (_sync) _running--;
                    StartMore();
                }, TaskScheduler.Default);
            }
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
        while (_pending.Count > keep)
        {
            var slot = _pending.Peek();
            while (slot.Take(stopping, out var item))
            {
                if (!write(slot.Target, item))
                {
                    Stop();
                    return;
                }
                slot.Written();
            }
            _pending.Dequeue();
            if (slot.Error != null) fail(slot.Target, slot.Error);
        }
    }

    /// <summary>Cancels every producer; nothing more is sent.</summary>
    public void Stop()
    {
        _cancel.Cancel();
        _pending.Clear();
        lock (_sync) _notStarted.Clear();
    }

    public void Dispose()
    {
        _cancel.Cancel();
        _cancel.Dispose();
    }

    /// <summary>One producer's items, bounded, with its completion.</summary>
    private sealed class Slot
    {
        private readonly ConcurrentQueue<T> _items = new ConcurrentQueue<T>();
        private readonly SemaphoreSlim _available = new SemaphoreSlim(0);
        private readonly SemaphoreSlim _space;
        private readonly Func<Func<T, Task>, CancellationToken, Task> _produce;

        public Slot(TTarget target, int buffer, Func<Func<T, Task>, CancellationToken, Task> produce)
        {
            Target = target;
            _space = new SemaphoreSlim(buffer);
            _produce = produce;
        }

        public TTarget Target { get; }
        public Exception? Error { get; private set; }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            try
            {
                await _produce(async item =>
                {
                    await _space.WaitAsync(cancellationToken).ConfigureAwait(false);
                    _items.Enqueue(item);
                    _available.Release();
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Error = ex;
            }
            finally
            {
                // One more signal than items: the writer reads it as "finished".
                _available.Release();
            }
        }

        /// <summary>Blocks until the next item or the end; false at the end. The item keeps its place in the buffer until <see cref="Written"/>.</summary>
        public bool Take(CancellationToken stopping, out T item)
        {
            _available.Wait(stopping);
            return _items.TryDequeue(out item!);
        }

        /// <summary>
        /// The taken item is written: only now may the producer push another. Freed at Take, the
        /// producer could push the next page while this one is written and fetch a third, two ahead
        /// of the pipeline, and Select-Object -First would see a page requested it never asked for.
        /// </summary>
        public void Written() => _space.Release();
    }
}
