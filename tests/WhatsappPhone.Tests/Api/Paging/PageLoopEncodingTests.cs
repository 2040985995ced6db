using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Models;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests.Api.Paging;

/// <summary>
/// A next link back to the first page, written with its query escaped otherwise ("fields=id%2Cstatus"
/// where the listing sent "fields=id,status", as the emulator's loop fault writes it), is still the
/// first page: the listing stops without reading a number twice.
/// </summary>
public class PageLoopEncodingTests
{
    private const string Waba = "114503234599312";

    [Theory]
    [InlineData("self")]
    [InlineData("first")]
    public async Task A_next_link_to_the_first_page_escaped_differently_ends_the_listing_with_nothing_read_twice(string loopTo)
    {
        var mock = new MockHttpMessageHandler();
        var client = Client(mock);
        var first = client.PhoneNumbersUri(Waba, new[] { "id", "status" }, 2);
        var escaped = first.GetLeftPart(UriPartial.Path) + "?fields=id%2Cstatus&limit=2";
        var second = first.GetLeftPart(UriPartial.Path) + "?fields=id%2Cstatus&limit=2&after=c1";
        mock.When(first.GetLeftPart(UriPartial.Path)).With(r => !r.RequestUri!.Query.Contains("after"))
            .Respond("application/json", "{\"data\":[{\"id\":\"1\"},{\"id\":\"2\"}],\"paging\":{\"next\":\"" + (loopTo == "self" ? escaped : second) + "\"}}");
        mock.When(first.GetLeftPart(UriPartial.Path)).WithQueryString("after", "c1")
            .Respond("application/json", "{\"data\":[{\"id\":\"3\"},{\"id\":\"4\"}],\"paging\":{\"next\":\"" + escaped + "\"}}");
        var pages = new PageIterator<PhoneNumber>(first, (uri, ct) => client.GetPhoneNumberPageAsync(uri, Waba, null, ct), n => n.Id);
        var ids = new List<string>();

        var ex = await Assert.ThrowsAsync<GraphApiException>(async () =>
        {
            while (await pages.NextAsync(CancellationToken.None) is { } page) ids.AddRange(page.Items.Select(n => n.Id));
        });

        Assert.Equal("WaApi.PagingLoop", ex.ErrorId);
        Assert.Equal(ids.Distinct(), ids);
        Assert.Equal(loopTo == "self" ? 2 : 4, ids.Count);
    }
}
