using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Api.Paging;

/// <summary>
/// The one paging loop of every listing: follows paging.next a page at a time, as the caller asks,
/// until there is no next link or <c>enough</c> items were read. A next link is untrusted: one
/// that leads back to a page already read (the same link, or the same cursor) would loop forever,
/// so the listing stops with an error after the last new page. And no item is given twice: one
/// whose identity (a number's ID) came on an earlier page is left out and counted, so that a listing
/// whose pages move or repeat (links alternating between two pages) writes each item once.
/// </summary>
internal sealed class PageIterator<T>
{
    private readonly Func<Uri, CancellationToken, Task<Page<T>>> _fetch;
    private readonly ulong _enough;
    private readonly HashSet<string> _followed = new HashSet<string>(StringComparer.Ordinal);
    private readonly Func<T, string?> _identity;
    private readonly HashSet<string> _given = new HashSet<string>(StringComparer.Ordinal);
    private Uri? _next;
    private GraphApiException? _loop;

    /// <param name="first">The first page's URI.</param>
    /// <param name="fetch">Reads one page; the client checks its origin and strips tokens from its next link.</param>
    /// <param name="identity">What tells two items apart (a number's ID); an item without one is always given.</param>
    /// <param name="enough">Stop once this many items were read (the page that reaches it is the last).</param>
    public PageIterator(Uri first, Func<Uri, CancellationToken, Task<Page<T>>> fetch, Func<T, string?> identity, ulong enough = ulong.MaxValue)
    {
        _fetch = fetch;
        _identity = identity;
        _enough = enough;
        _next = first;
        Follow(first);
    }

    /// <summary>Pages read so far.</summary>
    public int PagesRead { get; private set; }

    public ulong ItemsRead { get; private set; }

    /// <summary>Items left out because an earlier page of this listing had them.</summary>
    public int Repeated { get; private set; }

    /// <summary>The next page, or null when the listing is complete or enough was read.</summary>
    public async Task<Page<T>?> NextAsync(CancellationToken cancellationToken)
    {
        if (_loop != null) throw _loop;
        if (_next == null || ItemsRead >= _enough) return null;
        var page = await _fetch(_next, cancellationToken).ConfigureAwait(false);
        PagesRead++;
        var fresh = page.Items.Where(item => _identity(item) is not { } id || _given.Add(id)).ToList();
        if (fresh.Count != page.Items.Count)
        {
            Repeated += page.Items.Count - fresh.Count;
            page = new Page<T>(fresh, page.Next, page.TotalCount);
        }
        ItemsRead += (ulong)page.Items.Count;
        _next = page.Next;
        if (_next != null && ItemsRead < _enough && !Follow(_next))
        {
            _loop = new GraphApiException(
                $"The Graph API answered a next-page link to a page already read, after page {PagesRead}: following it would repeat the listing without end, " +
                $"so it stopped there, after {ItemsRead} items, none written twice{(Repeated > 0 ? $" ({Repeated} repeated on later pages were left out)" : "")}. " +
                "Try again later; if it persists, the listing is broken on Graph's side.",
                HttpStatusCode.OK)
            { Request = "GET " + _next.AbsolutePath, LocalErrorId = "WaApi.PagingLoop" };
            _next = null;
        }
        return page;
    }

    /// <summary>Records a link; false when it, or its cursor, was followed before.</summary>
    private bool Follow(Uri link)
    {
        // Unescaped, so a server's "fields=a%2Cb" is the link "fields=a,b" the listing started with.
        var query = link.Query.TrimStart('?').Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries)
            .Select(p => Uri.UnescapeDataString(p.Replace('+', ' ')))
            .Where(p => !p.StartsWith("access_token=", StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();
        var newLink = _followed.Add("link " + link.GetLeftPart(UriPartial.Path) + "?" + string.Join("&", query));
        var cursor = query.FirstOrDefault(p => p.StartsWith("after=", StringComparison.Ordinal));
        var newCursor = cursor == null || _followed.Add("cursor " + link.AbsolutePath + " " + cursor);
        return newLink && newCursor;
    }
}
