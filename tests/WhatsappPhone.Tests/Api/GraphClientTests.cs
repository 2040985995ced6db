using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests;

/// <summary>A server that answers after 30 seconds, honouring cancellation as real handlers do.</summary>
internal sealed class SlowHandler : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
        return Json(HttpStatusCode.OK, "{}");
    }
}

/// <summary>The exact requests the client sends: method, path, query, body and headers.</summary>
public class GraphClientTests
{
    [Fact]
    public async Task Listing_asks_for_the_default_fields_with_a_full_page_and_a_bearer_token()
    {
        var mock = new MockHttpMessageHandler();
        HttpRequestMessage? seen = null;
        mock.When(HttpMethod.Get, "https://graph.facebook.com/v25.0/114503234599312/phone_numbers")
            .Respond(req => { seen = req; return Json(HttpStatusCode.OK, Recorded("registered_numbers_with_success_response")); });
        var client = Client(mock);

        var uri = client.PhoneNumbersUri("114503234599312", PhoneNumberJson.FieldsFor(25), 100);
        await client.GetPhoneNumberPageAsync(uri, "114503234599312", null, CancellationToken.None);

        Assert.NotNull(seen);
        var query = System.Web.HttpUtility.ParseQueryString(seen!.RequestUri!.Query);
        Assert.Equal("100", query["limit"]);
        var fields = query["fields"]!.Split(',');
        Assert.Contains("whatsapp_business_manager_messaging_limit", fields);
        Assert.DoesNotContain("messaging_limit_tier", fields);
        Assert.Contains("health_status", fields);
        Assert.Equal("Bearer", seen.Headers.Authorization!.Scheme);
        Assert.Equal(Token, seen.Headers.Authorization.Parameter);
        Assert.Matches(@"^WhatsappPhone/\d+\.\d+\.\d+$", seen.Headers.UserAgent.ToString());
    }

    [Fact]
    public void Versions_before_v24_ask_for_the_old_messaging_limit_field_only()
    {
        var fields = PhoneNumberJson.FieldsFor(23);
        Assert.Contains("messaging_limit_tier", fields);
        Assert.DoesNotContain("whatsapp_business_manager_messaging_limit", fields);
    }

    [Fact]
    public void Extra_fields_are_added_once_after_the_defaults()
    {
        var fields = PhoneNumberJson.FieldsFor(25, new[] { "is_on_biz_app", "status", " search_visibility " });
        Assert.Equal(1, fields.Count(f => f == "status"));
        Assert.Equal(new[] { "is_on_biz_app", "search_visibility" }, fields.Skip(fields.Count - 2));
    }

    [Fact]
    public async Task Get_by_id_sends_the_fields_and_no_limit()
    {
        var mock = new MockHttpMessageHandler();
        mock.Expect(HttpMethod.Get, "https://graph.facebook.com/v20.0/107878721936019")
            .WithQueryString("fields", string.Join(",", PhoneNumberJson.FieldsFor(20)))
            .Respond("application/json", Recorded("registered_number_with_success_response"));
        var number = await Client(mock, "v20.0").GetPhoneNumberAsync("107878721936019", PhoneNumberJson.FieldsFor(20), null, CancellationToken.None);
        mock.VerifyNoOutstandingExpectation();
        Assert.Equal("107878721936019", number.Id);
    }

    [Fact]
    public async Task Register_posts_json_with_the_pin_as_a_string_keeping_leading_zeros()
    {
        var mock = new MockHttpMessageHandler();
        string? body = null; string? contentType = null;
        mock.Expect(HttpMethod.Post, "https://graph.facebook.com/v25.0/107878721936019/register")
            .Respond(async req =>
            {
                body = await req.Content!.ReadAsStringAsync();
                contentType = req.Content.Headers.ContentType!.MediaType;
                return Json(HttpStatusCode.OK, Recorded("register_number_with_success_response"));
            });

        await Client(mock).RegisterAsync("107878721936019", Secure("012345"), null, CancellationToken.None);

        mock.VerifyNoOutstandingExpectation();
        Assert.Equal("application/json", contentType);
        Assert.Equal("{\"messaging_product\":\"whatsapp\",\"pin\":\"012345\"}", body);
    }

    [Fact]
    public async Task Register_sends_the_data_localization_region_when_given()
    {
        var mock = new MockHttpMessageHandler();
        string? body = null;
        mock.When(HttpMethod.Post, "*/register").Respond(async req => { body = await req.Content!.ReadAsStringAsync(); return Json(HttpStatusCode.OK, "{\"success\":true}"); });
        await Client(mock).RegisterAsync("107878721936019", Secure("123456"), "DE", CancellationToken.None);
        using var doc = JsonDocument.Parse(body!);
        Assert.Equal("DE", doc.RootElement.GetProperty("data_localization_region").GetString());
    }

    [Fact]
    public async Task Deregister_posts_to_the_deregister_edge_without_a_body()
    {
        var mock = new MockHttpMessageHandler();
        HttpContent? content = new StringContent("x");
        mock.Expect(HttpMethod.Post, "https://graph.facebook.com/v25.0/107878721936019/deregister")
            .Respond(req => { content = req.Content; return Json(HttpStatusCode.OK, Recorded("deregister_number_with_success_response")); });
        await Client(mock).DeregisterAsync("107878721936019", CancellationToken.None);
        mock.VerifyNoOutstandingExpectation();
        Assert.Null(content);
    }

    [Fact]
    public async Task A_post_answered_without_success_true_is_an_error()
    {
        var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, "*/deregister").Respond("application/json", "{\"success\":false}");
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => Client(mock).DeregisterAsync("107878721936019", CancellationToken.None));
        Assert.Contains("success", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("abcdef")]
    [InlineData("12 456")]
    [InlineData("１２３４５６")]
    [InlineData(" 123456")]
    public async Task A_bad_pin_is_refused_before_any_request(string pin)
    {
        var mock = new MockHttpMessageHandler();
        mock.Fallback.Throw(new InvalidOperationException("no request may be sent"));
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Client(mock).RegisterAsync("107878721936019", Secure(pin), null, CancellationToken.None));
        if (pin.Trim().Length > 0) Assert.DoesNotContain(pin.Trim(), ex.Message);
    }

    [Fact]
    public async Task A_slow_answer_becomes_a_timeout_error_not_a_cancellation()
    {
        var client = Client(new HttpClient(new SlowHandler()), timeout: TimeSpan.FromMilliseconds(200));
        var ex = await Assert.ThrowsAsync<GraphTimeoutException>(() => client.GetPhoneNumberAsync("1", PhoneNumberJson.FieldsFor(25), null, CancellationToken.None));
        Assert.Equal("WaApi.Timeout", ex.ErrorId);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task Cancelling_stops_an_in_flight_request_at_once()
    {
        var client = Client(new HttpClient(new SlowHandler()));
        using var cts = new CancellationTokenSource(200);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetPhoneNumberAsync("1", PhoneNumberJson.FieldsFor(25), null, cts.Token));
        // The handler answers after 30 s; anything well under that means the cancellation stopped it (headroom for a busy machine).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"stopped after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task The_trace_shows_method_url_status_and_trace_id_but_never_the_token()
    {
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ =>
        {
            var r = Json(HttpStatusCode.OK, Recorded("registered_number_with_success_response"));
            r.Headers.Add("X-Fb-Trace-Id", "GvUiSaM20TV");
            return r;
        });
        var log = new ListLog();
        await Client(mock, log: log).GetPhoneNumberAsync("107878721936019", PhoneNumberJson.FieldsFor(25), null, CancellationToken.None);
        var line = Assert.Single(log.DebugLines);
        Assert.StartsWith("GET https://graph.facebook.com/v25.0/107878721936019?fields=", line);
        Assert.Contains("-> 200", line);
        Assert.Contains("GvUiSaM20TV", line);
        Assert.DoesNotContain(Token, line);
    }
}
