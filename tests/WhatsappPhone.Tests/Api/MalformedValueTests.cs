using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Models;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests.Api;

/// <summary>One malformed value costs that value, never the page: the other numbers and fields still arrive.</summary>
public class MalformedValueTests
{
    private const string Waba = "114503234599312";

    private static Task<Page<PhoneNumber>> ReadPage(byte[] body)
    {
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) });
        var client = Client(mock, retry: NoRetries);
        return client.GetPhoneNumberPageAsync(client.PhoneNumbersUri(Waba, PhoneNumberJson.FieldsFor(25), 100, true), Waba, null, CancellationToken.None);
    }

    private static Task<Page<PhoneNumber>> ReadPage(string json) => ReadPage(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("TIER_3000000K")]
    [InlineData("TIER_99999999999")]
    [InlineData("TIER_٢٥٠")]
    public async Task An_unknown_tier_gives_a_null_daily_limit_on_that_number_only(string tier)
    {
        var page = await ReadPage("{\"data\":[{\"id\":\"1\",\"whatsapp_business_manager_messaging_limit\":\"" + tier + "\"}," +
                                  "{\"id\":\"2\",\"whatsapp_business_manager_messaging_limit\":\"TIER_2K\"}]}");

        Assert.Equal(new[] { "1", "2" }, page.Items.Select(n => n.Id));
        Assert.Equal(tier, page.Items[0].MessagingLimitTier);
        Assert.Null(page.Items[0].DailyMessageLimit);
        Assert.Equal(2000, page.Items[1].DailyMessageLimit);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-3")]
    [InlineData("1e30")]
    [InlineData("\"12\"")]
    public async Task A_total_count_that_is_not_a_count_is_null_and_the_page_still_arrives(string total)
    {
        var page = await ReadPage("{\"data\":[{\"id\":\"1\"}],\"summary\":{\"total_count\":" + total + "}}");

        Assert.Equal("1", Assert.Single(page.Items).Id);
        Assert.Null(page.TotalCount);
    }

    [Fact]
    public async Task A_sound_total_count_is_kept()
    {
        var page = await ReadPage("{\"data\":[],\"summary\":{\"total_count\":4321}}");
        Assert.Equal(4321, page.TotalCount);
    }

    [Fact]
    public async Task Invalid_utf8_in_one_name_nulls_that_name_and_keeps_every_other_number_and_field()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"data\":[{\"id\":\"1\",\"verified_name\":\"Caf\u00e9 X\",\"status\":\"CONNECTED\"},{\"id\":\"2\",\"verified_name\":\"Ok\"}]}").ToList();
        var at = bytes.IndexOf(0xC3);
        bytes[at + 1] = 0x28; // "Caf" + C3 28: a lead byte without its continuation

        var page = await ReadPage(bytes.ToArray());

        Assert.Equal(new[] { "1", "2" }, page.Items.Select(n => n.Id));
        Assert.Null(page.Items[0].VerifiedName);
        Assert.Equal("CONNECTED", page.Items[0].Status);
        Assert.Equal("Ok", page.Items[1].VerifiedName);
    }

    [Fact]
    public async Task Invalid_utf8_in_a_field_name_or_a_boolean_costs_only_that_field()
    {
        var json = Encoding.UTF8.GetBytes("{\"data\":[{\"id\":\"1\",\"xY\":1,\"is_pin_enabled\":\"tZ\",\"status\":\"CONNECTED\"}]}");
        json[Encoding.UTF8.GetBytes("{\"data\":[{\"id\":\"1\",\"x").Length] = 0xFF;
        json[Encoding.UTF8.GetBytes("{\"data\":[{\"id\":\"1\",\"xY\":1,\"is_pin_enabled\":\"t").Length] = 0xFF;

        var n = Assert.Single((await ReadPage(json)).Items);

        Assert.Null(n.IsPinEnabled);
        Assert.Equal("CONNECTED", n.Status);
    }

    [Fact]
    public async Task Invalid_utf8_in_an_account_name_nulls_that_name_only()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"data\":[{\"id\":\"5\",\"name\":\"N\u00e9\",\"currency\":\"USD\"}]}");
        bytes[System.Array.IndexOf(bytes, (byte)0xC3) + 1] = 0x28;
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(bytes) });
        var client = Client(mock, retry: NoRetries);

        var page = await client.GetBusinessAccountPageAsync(client.BusinessAccountsUri("2245160378861502", BusinessAccountOwnership.Owned, 100),
            "2245160378861502", BusinessAccountOwnership.Owned, CancellationToken.None);

        var account = Assert.Single(page.Items);
        Assert.Equal("5", account.Id);
        Assert.Null(account.Name);
        Assert.Equal("USD", account.Currency);
    }

    [Fact]
    public async Task Undecodable_json_fails_the_page_as_a_graph_error()
    {
        var ex = await Assert.ThrowsAnyAsync<GraphApiException>(() => ReadPage("{\"data\":[{\"id\":\"1\"},"));
        Assert.Equal(HttpStatusCode.OK, ex.HttpStatusCode);
    }
}
