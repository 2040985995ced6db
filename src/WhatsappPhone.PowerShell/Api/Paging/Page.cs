using System;
using System.Collections.Generic;

namespace WhatsappPhone.Api.Paging;

/// <summary>One page of a listing: its items and the absolute link to the next page, if any.</summary>
internal sealed class Page<T>
{
    public Page(IReadOnlyList<T> items, Uri? next, long? totalCount)
    {
        Items = items;
        Next = next;
        TotalCount = totalCount;
    }

    public IReadOnlyList<T> Items { get; }
    public Uri? Next { get; }
    public long? TotalCount { get; }
}
