using System;
using System.Collections.Generic;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>
    /// The -Skip and -First arithmetic of a listing: which items are written, how many more a listing
    /// must read, and how large a page to ask for. Counts run across every account listed.
    /// </summary>
    internal sealed class PagingWindow
    {
        readonly ulong first;
        readonly ulong skip;
        ulong skipped;

        public PagingWindow(ulong first, ulong skip)
        {
            this.first = first;
            this.skip = skip;
        }

        /// <summary>How many items were let through.</summary>
        public ulong Written { get; private set; }

        /// <summary>True once -First items were let through.</summary>
        public bool Done => Written >= first;

        /// <summary>The items of a page that are written: those -Skip still drops are passed over, and none after -First.</summary>
        public IEnumerable<T> Take<T>(IEnumerable<T> items)
        {
            foreach (var item in items)
            {
                if (Done) yield break;
                if (skipped < skip)
                {
                    skipped++;
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
                var wanted = first - Written;
                var toSkip = skip - skipped;
                return wanted > ulong.MaxValue - toSkip ? ulong.MaxValue : wanted + toSkip;
            }
        }

        /// <summary>Full pages of <paramref name="maxPageSize"/>, unless fewer items are <see cref="Needed"/> (at least 1).</summary>
        public int PageSize(int maxPageSize) => (int)Math.Max(1, Math.Min((ulong)maxPageSize, Needed));
    }
}
