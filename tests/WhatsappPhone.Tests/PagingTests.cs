using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests
{
    /// <summary>Following paging.next: nothing skipped, nothing twice, and the token stays where it belongs.</summary>
    public class PagingTests
    {
        const string Waba = "114503234599312";

        static string PageJson(IEnumerable<int> ids, string? next) =>
            "{\"data\":[" + string.Join(",", ids.Select(i => $"{{\"id\":\"{i}\",\"status\":\"CONNECTED\"}}")) + "]," +
            "\"paging\":{\"cursors\":{\"before\":\"b\",\"after\":\"a\"}" + (next != null ? $",\"next\":\"{next}\"" : "") + "}}";

        static async Task<List<string>> ListAll(GraphClient client)
        {
            var ids = new List<string>();
            Uri? uri = client.PhoneNumbersUri(Waba, PhoneNumberJson.FieldsFor(25), 100);
            while (uri != null)
            {
                var page = await client.GetPhoneNumberPageAsync(uri, Waba, null, CancellationToken.None);
                ids.AddRange(page.Items.Select(n => n.Id));
                Assert.All(page.Items, n => Assert.Equal(Waba, n.BusinessAccountId));
                uri = page.Next;
            }
            return ids;
        }

        [Fact]
        public async Task The_recorded_list_without_a_next_link_is_one_page()
        {
            var mock = new MockHttpMessageHandler();
            mock.Expect("https://graph.facebook.com/v25.0/114503234599312/phone_numbers").Respond("application/json", Recorded("registered_numbers_with_success_response"));
            Assert.Equal(new[] { "107878721936019" }, await ListAll(Client(mock)));
            mock.VerifyNoOutstandingExpectation();
        }

        [Fact]
        public async Task Short_and_empty_pages_with_a_next_link_do_not_end_the_list()
        {
            var mock = new MockHttpMessageHandler();
            var b = "https://graph.facebook.com/v25.0/114503234599312/phone_numbers";
            mock.Expect(b).Respond("application/json", PageJson(Enumerable.Range(1, 100), b + "?limit=100&after=c1"));
            mock.Expect(b).WithQueryString("after", "c1").Respond("application/json", PageJson(Enumerable.Range(101, 3), b + "?limit=100&after=c2"));
            mock.Expect(b).WithQueryString("after", "c2").Respond("application/json", PageJson(Array.Empty<int>(), b + "?limit=100&after=c3"));
            mock.Expect(b).WithQueryString("after", "c3").Respond("application/json", PageJson(Enumerable.Range(104, 2), null));

            var ids = await ListAll(Client(mock));

            mock.VerifyNoOutstandingExpectation();
            Assert.Equal(Enumerable.Range(1, 105).Select(i => i.ToString()), ids);
        }

        [Fact]
        public async Task A_response_without_paging_ends_the_list()
        {
            var mock = new MockHttpMessageHandler();
            mock.Expect("*").Respond("application/json", "{\"data\":[{\"id\":\"5\"}]}");
            Assert.Equal(new[] { "5" }, await ListAll(Client(mock)));
        }

        [Fact]
        public async Task An_access_token_in_a_next_link_is_removed_and_sent_only_as_the_header()
        {
            var mock = new MockHttpMessageHandler();
            var b = "https://graph.facebook.com/v25.0/114503234599312/phone_numbers";
            mock.Expect(b).Respond("application/json", PageJson(new[] { 1 }, b + "?access_token=LEAKED&limit=100&after=c1"));
            HttpRequestMessage? second = null;
            mock.Expect(b).WithQueryString("after", "c1").Respond(r => { second = r; return Json(HttpStatusCode.OK, PageJson(new[] { 2 }, null)); });
            await ListAll(Client(mock));
            Assert.DoesNotContain("access_token", second!.RequestUri!.Query);
            Assert.Equal(Token, second.Headers.Authorization!.Parameter);
        }

        [Fact]
        public async Task A_next_link_to_another_host_is_refused_before_the_token_is_sent()
        {
            var mock = new MockHttpMessageHandler();
            mock.Expect("https://graph.facebook.com/*").Respond("application/json", PageJson(new[] { 1 }, "https://evil.example.com/v25.0/x?after=c1"));
            var evil = mock.When("https://evil.example.com/*").Respond("application/json", PageJson(new[] { 2 }, null));
            var ex = await Assert.ThrowsAsync<GraphSecurityRefusalException>(() => ListAll(Client(mock)));
            Assert.Contains("Refusing to send the access token", ex.Message);
            Assert.Equal(0, mock.GetMatchCount(evil));
        }

        [Fact]
        public async Task Summary_total_count_is_read_when_asked_for()
        {
            var mock = new MockHttpMessageHandler();
            mock.Expect("*").WithQueryString("summary", "total_count").Respond("application/json", "{\"data\":[],\"summary\":{\"total_count\":1234}}");
            var client = Client(mock);
            var page = await client.GetPhoneNumberPageAsync(client.PhoneNumbersUri(Waba, new[] { "id" }, 10, includeTotalCount: true), Waba, null, CancellationToken.None);
            Assert.Equal(1234, page.TotalCount);
        }
    }
}
