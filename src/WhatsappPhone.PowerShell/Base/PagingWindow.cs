using System;
using System.Collections.Generic;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// The -Skip and -First arithmetic of a listing: which items are written, how many more a listing
/// must read, and how large a page to ask for. Counts run across every account listed.
/// </summary>
internal sealed class PagingWindow
{
    private readonly ulong _first;
    private readonly ulong _skip;
    private ulong _skipped;

    public PagingWindow(ulong first, ulong skip)
    {
        _first = first;
        _skip = skip;
    }

    /// <summary>How many items were let through.</summary>
    public ulong Written { get; private set; }

    /// <summary>True once -First items were let through.</summary>
    public bool Done => Written >= _first;

    /// <summary>The items of a page that are written: those -Skip still drops are passed over, and none after -First.</summary>
    public IEnumerable<T> Take<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            if (Done) yield break;
            if (_skipped < _skip)
            {
                _skipped++;
                continue;
            }
            Written++;
            yield return item;
        }
    }

    /// <summary>How many more items -First and -Skip can use; a listing stops reading there.</summary>
    public ulong Needed
    {
        get
        {
            var wanted = _first - Written;
            var toSkip = _skip - _skipped;
            return wanted > ulong.MaxValue - toSkip ? ulong.MaxValue : wanted + toSkip;
        }
    }

    /// <summary>Full pages of <paramref name="maxPageSize"/>, unless fewer items are <see cref="Needed"/> (at least 1).</summary>
    public int PageSize(int maxPageSize) => (int)Math.Max(1, Math.Min((ulong)maxPageSize, Needed));
}
