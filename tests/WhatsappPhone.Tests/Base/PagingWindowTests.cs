using System.Linq;
using WhatsappPhone.Api;
using WhatsappPhone.Cmdlets;
using Xunit;

namespace WhatsappPhone.Tests;

/// <summary>-Skip and -First across pages and accounts: what is written, what is still read, how large a page to ask for.</summary>
public class PagingWindowTests
{
    private static readonly int[] Page = Enumerable.Range(1, 100).ToArray();

    [Fact]
    public void Without_first_or_skip_every_item_is_written_and_pages_are_full()
    {
        var window = new PagingWindow(ulong.MaxValue, 0);
        Assert.Equal(Page, window.Take(Page).ToArray());
        Assert.Equal(Page, window.Take(Page).ToArray());
        Assert.False(window.Done);
        Assert.Equal(ulong.MaxValue - 200, window.Needed);
        Assert.Equal(GraphClient.MaxPageSize, window.PageSize(GraphClient.MaxPageSize));
    }

    [Fact]
    public void Skip_and_first_span_pages_and_stop_exactly_at_first()
    {
        var window = new PagingWindow(first: 10, skip: 95);
        Assert.Equal(new[] { 96, 97, 98, 99, 100 }, window.Take(Page).ToArray());
        Assert.False(window.Done);
        Assert.Equal(5UL, window.Needed);
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, window.Take(Page).ToArray());
        Assert.True(window.Done);
        Assert.Equal(10UL, window.Written);
        Assert.Empty(window.Take(Page));
    }

    [Fact]
    public void A_small_first_asks_for_a_page_of_just_that_many_plus_what_is_still_skipped()
    {
        Assert.Equal(3, new PagingWindow(first: 3, skip: 0).PageSize(100));
        Assert.Equal(13, new PagingWindow(first: 3, skip: 10).PageSize(100));
        Assert.Equal(100, new PagingWindow(first: 3, skip: 500).PageSize(100));
    }

    [Fact]
    public void First_zero_writes_nothing_and_still_asks_for_a_valid_page_size()
    {
        var window = new PagingWindow(first: 0, skip: 0);
        Assert.True(window.Done);
        Assert.Empty(window.Take(Page));
        Assert.Equal(1, window.PageSize(100));
    }

    [Fact]
    public void Needed_does_not_overflow_when_first_is_unbounded_and_skip_is_not()
    {
        Assert.Equal(ulong.MaxValue, new PagingWindow(ulong.MaxValue, 50).Needed);
    }
}
