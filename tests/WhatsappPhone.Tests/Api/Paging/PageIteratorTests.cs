using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Models;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests;

/// <summary>Following paging.next: nothing skipped, nothing twice, never in a loop, and the token stays where it belongs.</summary>
public class PageIteratorTests
{
    private const string Waba = "114503234599312";

    private static string PageJson(IEnumerable<int> ids, string? next) =>
        "{\"data\":[" + string.Join(",", ids.Select(i => $"{{\"id\":\"{i}\",\"status\":\"CONNECTED\"}}")) + "]," +
        "\"paging\":{\"cursors\":{\"before\":\"b\",\"after\":\"a\"}" + (next != null ? $",\"next\":\"{next}\"" : "") + "}}";

    private static Task<List<string>> ListAll(GraphClient client) => ListAll(client, new List<string>());

    /// <summary>Lists through the pager into <paramref name="ids"/>, which keeps what was read if the listing fails.</summary>
    private static async Task<List<string>> ListAll(GraphClient client, List<string> ids, ulong enough = ulong.MaxValue)
    {
        var pages = new PageIterator<PhoneNumber>(client.PhoneNumbersUri(Waba, PhoneNumberJson.FieldsFor(25), 100),
            (uri, ct) => client.GetPhoneNumberPageAsync(uri, Waba, null, ct), n => n.Id, enough);
        while (await pages.NextAsync(CancellationToken.None) is { } page)
        {
            ids.AddRange(page.Items.Select(n => n.Id));
            Assert.All(page.Items, n => Assert.Equal(Waba, n.BusinessAccountId));
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

    private const string B = "https://graph.facebook.com/v25.0/114503234599312/phone_numbers";

    [Fact]
    public async Task A_next_link_that_repeats_the_page_just_read_stops_the_listing_with_an_error_and_nothing_twice()
    {
        var mock = new MockHttpMessageHandler();
        var first = mock.When(B).With(r => !r.RequestUri!.Query.Contains("after")).Respond("application/json", PageJson(Enumerable.Range(1, 100), B + "?limit=100&after=c1"));
        var again = mock.When(B).WithQueryString("after", "c1").Respond("application/json", PageJson(Enumerable.Range(101, 100), B + "?limit=100&after=c1"));
        var ids = new List<string>();
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => ListAll(Client(mock), ids));
        Assert.Equal("WaApi.PagingLoop", ex.ErrorId);
        Assert.Contains("page already read", ex.Message);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => i.ToString()), ids);
        Assert.Equal(1, mock.GetMatchCount(first));
        Assert.Equal(1, mock.GetMatchCount(again));
    }

    [Fact]
    public async Task Next_links_that_alternate_between_two_pages_stop_the_listing_after_both_were_read_once()
    {
        var mock = new MockHttpMessageHandler();
        mock.When(B).With(r => !r.RequestUri!.Query.Contains("after")).Respond("application/json", PageJson(Enumerable.Range(1, 100), B + "?limit=100&after=c1"));
        mock.When(B).WithQueryString("after", "c1").Respond("application/json", PageJson(Enumerable.Range(101, 100), B + "?limit=100&after=c2"));
        mock.When(B).WithQueryString("after", "c2").Respond("application/json", PageJson(Enumerable.Range(201, 100), B + "?limit=100&after=c1"));
        var ids = new List<string>();
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => ListAll(Client(mock), ids));
        Assert.Equal("WaApi.PagingLoop", ex.ErrorId);
        Assert.False(ex.IsTransient);
        Assert.Equal(Enumerable.Range(1, 300).Select(i => i.ToString()), ids);
    }

    [Fact]
    public async Task Next_links_that_alternate_with_the_same_number_on_each_page_write_it_once_and_the_message_is_true()
    {
        // Page 1 -> B -> A -> B ...: each new link is followed once, and each page holds the same number.
        var mock = new MockHttpMessageHandler();
        mock.When(B).With(r => !r.RequestUri!.Query.Contains("after")).Respond("application/json", PageJson(new[] { 7 }, B + "?limit=100&after=cB"));
        mock.When(B).WithQueryString("after", "cB").Respond("application/json", PageJson(new[] { 7 }, B + "?limit=100&after=cA"));
        mock.When(B).WithQueryString("after", "cA").Respond("application/json", PageJson(new[] { 7 }, B + "?limit=100&after=cB"));
        var ids = new List<string>();
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => ListAll(Client(mock), ids));

        Assert.Equal("WaApi.PagingLoop", ex.ErrorId);
        Assert.Equal(new[] { "7" }, ids);
        Assert.Contains("after 1 items, none written twice (2 repeated on later pages were left out)", ex.Message);
    }

    [Fact]
    public async Task A_cursor_already_followed_is_noticed_even_when_the_rest_of_the_link_changes()
    {
        var n = 0;
        var mock = new MockHttpMessageHandler();
        mock.When(B).Respond(_ => Json(HttpStatusCode.OK, PageJson(new[] { Interlocked.Increment(ref n) }, $"{B}?after=c1&limit=100&n={n}")));
        var ids = new List<string>();
        await Assert.ThrowsAsync<GraphApiException>(() => ListAll(Client(mock), ids));
        Assert.Equal(new[] { "1", "2" }, ids);
    }

    [Fact]
    public async Task The_pager_stops_asking_once_enough_was_read()
    {
        var mock = new MockHttpMessageHandler();
        mock.When(B).With(r => !r.RequestUri!.Query.Contains("after")).Respond("application/json", PageJson(Enumerable.Range(1, 100), B + "?limit=100&after=c1"));
        mock.When(B).WithQueryString("after", "c1").Respond("application/json", PageJson(Enumerable.Range(101, 100), B + "?limit=100&after=c2"));
        var third = mock.When(B).WithQueryString("after", "c2").Respond("application/json", PageJson(Enumerable.Range(201, 100), null));
        var ids = await ListAll(Client(mock), new List<string>(), enough: 150);
        Assert.Equal(200, ids.Count);
        Assert.Equal(0, mock.GetMatchCount(third));
    }

    /// <summary>A Graph stand-in whose every listing page links to itself, as a broken or hostile server might.</summary>
    private static LoopbackServer LoopingServer()
    {
        LoopbackServer? server = null;
        return server = new LoopbackServer((method, path) =>
    {
        var edge = path.Split('?')[0];
        var start = path.Contains("after=") ? 3 : 1;
        var items = edge.EndsWith("_whatsapp_business_accounts")
            ? Enumerable.Range(start, 2).Select(i => $"{{\"id\":\"5000{i}\",\"name\":\"Account {i}\"}}")
            : Enumerable.Range(start, 2).Select(i => $"{{\"id\":\"7000{i}\",\"display_phone_number\":\"+1 555-000-000{i}\",\"status\":\"CONNECTED\"}}");
        return Reply.Json($"{{\"data\":[{string.Join(",", items)}],\"paging\":{{\"cursors\":{{\"after\":\"x\"}},\"next\":\"{server!.BaseUri}{edge}?limit=100&after=x\"}}}}");
    });
    }

    [Theory]
    [InlineData("Get-WaPhoneNumber -BusinessAccountId 114503234599312", 4)]
    [InlineData("Test-WaPhoneNumber -BusinessAccountId 114503234599312", 4)]
    [InlineData("Get-WaBusinessAccount -BusinessId 9990001 -Ownership Owned", 4)]
    public void Every_listing_cmdlet_stops_a_paging_loop_with_an_error_and_writes_nothing_twice(string command, int expected)
    {
        using var server = LoopingServer();
        var (output, errors) = RunInRunspace($"Connect-WaAccount -AccessToken t -BaseUri {server.BaseUri} -MaxRetries 0; {command}", server);
        Assert.Equal(expected, output.Count);
        Assert.Equal(output.Count, output.Select(o => o.Properties["Id"]?.Value ?? o.Properties["PhoneNumberId"]?.Value).Distinct().Count());
        Assert.StartsWith("WaApi.PagingLoop", Assert.Single(errors).FullyQualifiedErrorId);
        Assert.True(server.Requests < 50, $"{server.Requests} requests");
    }

    [Fact]
    public void Get_WaPhoneNumber_writes_each_number_once_when_pages_alternate_with_the_same_numbers()
    {
        LoopbackServer? server = null;
        using var s = server = new LoopbackServer((method, path) =>
        {
            var next = path.Contains("after=b") ? "a" : "b";
            var items = Enumerable.Range(1, 2).Select(i => $"{{\"id\":\"7000{i}\",\"status\":\"CONNECTED\"}}");
            return Reply.Json($"{{\"data\":[{string.Join(",", items)}],\"paging\":{{\"next\":\"{server!.BaseUri}{path.Split('?')[0]}?limit=100&after={next}\"}}}}");
        });
        var (output, errors) = RunInRunspace($"Connect-WaAccount -AccessToken t -BaseUri {server.BaseUri} -MaxRetries 0; Get-WaPhoneNumber -BusinessAccountId 114503234599312", server);

        Assert.Equal(new[] { "70001", "70002" }, output.Select(o => (string)o.Properties["Id"].Value));
        var error = Assert.Single(errors);
        Assert.StartsWith("WaApi.PagingLoop", error.FullyQualifiedErrorId);
        Assert.Contains("none written twice (4 repeated on later pages were left out)", error.Exception.Message);
    }

    [Fact]
    public void Tab_completion_stops_a_paging_loop_within_a_few_requests()
    {
        using var server = LoopingServer();
        var (output, _) = RunInRunspace($"Connect-WaAccount -AccessToken t -BaseUri {server.BaseUri} -BusinessAccountId 114503234599312; " +
            "(TabExpansion2 -inputScript 'Get-WaPhoneNumber -PhoneNumberId ' -cursorColumn 34).CompletionMatches.Count", server);
        Assert.True(server.Requests < 50, $"{server.Requests} requests");
        Assert.Equal(0, (int)output.Single().BaseObject);
    }

    /// <summary>Runs a script in a fresh runspace with the module.</summary>
    private static (System.Collections.ObjectModel.Collection<System.Management.Automation.PSObject> output, System.Management.Automation.ErrorRecord[] errors) RunInRunspace(string script, LoopbackServer server)
    {
        var iss = System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2();
        iss.ImportPSModule(typeof(WhatsappPhone.Cmdlets.GetWaPhoneNumberCommand).Assembly.Location);
        using var runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        var output = ps.Invoke();
        return (output, ps.Streams.Error.ToArray());
    }
}
