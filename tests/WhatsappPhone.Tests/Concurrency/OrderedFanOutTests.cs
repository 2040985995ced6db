using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Cmdlets;
using WhatsappPhone.Concurrency;
using Xunit;

namespace WhatsappPhone.Tests;

/// <summary>The bounded, ordered fan-out behind numbers by ID and several accounts' listings.</summary>
public class OrderedFanOutTests
{
    [Fact]
    public void Runs_up_to_the_limit_at_once_and_writes_in_input_order()
    {
        var running = 0;
        var most = 0;
        var random = new Random(7);
        var delays = Enumerable.Range(0, 100).Select(_ => random.Next(20, 120)).ToArray();
        using var fanOut = new OrderedFanOut<int, int>(32, 1, CancellationToken.None);
        for (var i = 0; i < 100; i++)
        {
            var n = i;
            fanOut.Add(n, async (push, ct) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                await Task.Delay(delays[n], ct);
                Interlocked.Decrement(ref running);
                await push(n);
            });
        }
        var written = new List<int>();
        fanOut.Drain(0, (target, item) => { written.Add(item); return true; }, (target, ex) => throw ex, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 100), written);
        Assert.InRange(most, 2, 32);
    }

    [Fact]
    public void A_listing_fetches_one_page_ahead_of_the_page_being_written_never_two()
    {
        // PagesAhead = 1: while page 1 is written, page 2 may be fetched, but not pushed, so page 3 is not
        // requested. Select-Object -First stopping inside page 1 must cost at most one page it never used.
        var fetched = 0;
        Task? pushOfPage2 = null;
        using var atPushOfPage2 = new ManualResetEventSlim();
        using var fanOut = new OrderedFanOut<string, int>(1, 1, CancellationToken.None);
        fanOut.Add("account", async (push, ct) =>
        {
            for (var page = 1; page <= 3; page++)
            {
                Interlocked.Increment(ref fetched);
                var pushing = push(page);
                if (page == 2) { pushOfPage2 = pushing; atPushOfPage2.Set(); }
                await pushing;
            }
        });

        var page2PushedWhileWritingPage1 = true;
        fanOut.Drain(0, (target, page) =>
        {
            // Select-Object -First is satisfied inside page 1: the writer stops there.
            Assert.True(atPushOfPage2.Wait(TimeSpan.FromSeconds(30)));
            page2PushedWhileWritingPage1 = pushOfPage2!.IsCompleted;
            return false;
        }, (target, ex) => throw ex, CancellationToken.None);

        Assert.False(page2PushedWhileWritingPage1);
        // Page 3 is fetched only once page 2 is pushed, which waits for page 1 to be written: never, here.
        Assert.Equal(2, Volatile.Read(ref fetched));
    }

    [Fact]
    public void The_readers_default_to_32_requests_at_once()
    {
        Assert.Equal(32, WaPhoneNumberReaderCmdlet.DefaultThrottleLimit);
        Assert.Equal(32, new GetWaPhoneNumberCommand().ThrottleLimit);
        Assert.Equal(32, new TestWaPhoneNumberCommand().ThrottleLimit);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
    }
}
