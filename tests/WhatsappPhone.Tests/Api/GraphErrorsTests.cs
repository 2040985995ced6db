using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests;

/// <summary>Every failure is a GraphApiException that scripts can branch on, whatever came back.</summary>
public class GraphErrorsTests
{
    private static async Task<GraphApiException> Fail(Func<HttpResponseMessage> answer)
    {
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ => answer());
        return await Assert.ThrowsAnyAsync<GraphApiException>(() => Client(mock, retry: NoRetries).GetPhoneNumberAsync("123123", PhoneNumberJson.FieldsFor(25), null, CancellationToken.None));
    }

    [Theory]
    [InlineData("registered_number_handles_error_response", "AlicHjOpoShf8TV_iXRm1pW", "get")]
    [InlineData("registered_numbers_handles_error_response", "AFZgW89DkR0hLRFJP40NTd6", "get")]
    [InlineData("register_number_handles_error_response", "AsINUN3wXWCUKt1M4Uyn7Pc", "post")]
    [InlineData("deregister_number_handles_error_response", "AFeF4zcpff3iqz4VbpBO2Yj", "post")]
    public async Task The_recorded_unknown_object_errors_expose_code_subcode_type_and_trace_id(string fixture, string trace, string verb)
    {
        var ex = await Fail(() =>
        {
            var r = Json(HttpStatusCode.BadRequest, Recorded(fixture));
            r.Headers.Add("X-Fb-Trace-Id", "HeaderTraceId");
            return r;
        });
        Assert.Equal(HttpStatusCode.BadRequest, ex.HttpStatusCode);
        Assert.Equal(100, ex.Code);
        Assert.Equal(33, ex.Subcode);
        Assert.Equal("GraphMethodException", ex.Type);
        Assert.Equal(trace, ex.FbTraceId);
        Assert.False(ex.IsTransient);
        Assert.Equal("WaApi.100.33", ex.ErrorId);
        Assert.StartsWith($"Unsupported {verb} request. Object with ID '123123' does not exist", ex.GraphMessage);
        Assert.Contains("phone-number ID", ex.Message);
        Assert.DoesNotContain("Get-WaPhoneNumber", ex.Message);
        Assert.Contains("Get-WaPhoneNumber", WhatsappPhone.Cmdlets.ErrorRecords.FromGraph(ex, "123123").ToString());
    }

    [Fact]
    public async Task Listing_a_phone_number_id_as_an_account_says_to_use_PhoneNumberId()
    {
        var ex = await Fail(() => Json(HttpStatusCode.BadRequest,
            "{\"error\":{\"message\":\"(#100) Tried accessing nonexisting field (phone_numbers) on node type (WhatsAppBusinessPhoneNumber)\"," +
            "\"type\":\"OAuthException\",\"code\":100,\"fbtrace_id\":\"AUHx14kO3\"}}"));
        Assert.Equal("WaApi.100", ex.ErrorId);
        Assert.Contains("not a WhatsApp Business Account ID", ex.Message);
        Assert.Contains("-PhoneNumberId", WhatsappPhone.Cmdlets.ErrorRecords.FromGraph(ex, "123123").ToString());
    }

    [Fact]
    public async Task A_nonexisting_field_on_an_account_gets_no_phone_number_advice()
    {
        var ex = await Fail(() => Json(HttpStatusCode.BadRequest,
            "{\"error\":{\"message\":\"(#100) Tried accessing nonexisting field (is_on_biz_app) on node type (WhatsAppBusinessAccount)\"," +
            "\"type\":\"OAuthException\",\"code\":100}}"));
        Assert.Equal("WaApi.100", ex.ErrorId);
        Assert.DoesNotContain("-PhoneNumberId", WhatsappPhone.Cmdlets.ErrorRecords.FromGraph(ex, "123123").ToString());
    }

    [Fact]
    public async Task A_mistake_of_the_caller_is_not_sent_to_meta_support_but_a_fault_of_graph_is()
    {
        var unknown = await Fail(() => Json(HttpStatusCode.BadRequest, Recorded("registered_number_handles_error_response")));
        var record = WhatsappPhone.Cmdlets.ErrorRecords.FromGraph(unknown, "123123");
        Assert.True(string.IsNullOrEmpty(record.ErrorDetails?.RecommendedAction));
        Assert.Equal("AlicHjOpoShf8TV_iXRm1pW", ((GraphApiException)record.Exception).FbTraceId);

        var down = await Fail(() => Json(HttpStatusCode.ServiceUnavailable,
            "{\"error\":{\"message\":\"(#131016) Service unavailable\",\"code\":131016,\"fbtrace_id\":\"Zz9\"}}"));
        Assert.Contains("Zz9", WhatsappPhone.Cmdlets.ErrorRecords.FromGraph(down, "123123").ErrorDetails.RecommendedAction);
    }

    [Fact]
    public async Task All_envelope_fields_are_exposed_and_string_error_data_becomes_details()
    {
        var ex = await Fail(() => Json(HttpStatusCode.BadRequest,
            "{\"error\":{\"message\":\"(#133005) Two step verification PIN Mismatch\",\"type\":\"OAuthException\",\"code\":133005," +
            "\"error_user_title\":\"PIN mismatch\",\"error_user_msg\":\"The PIN is wrong\",\"error_data\":\"PIN does not match\",\"is_transient\":false,\"fbtrace_id\":\"Abc\"}}"));
        Assert.Equal(133005, ex.Code);
        Assert.Null(ex.Subcode);
        Assert.Equal("PIN mismatch", ex.UserTitle);
        Assert.Equal("The PIN is wrong", ex.UserMessage);
        Assert.Equal("PIN does not match", ex.Details);
        Assert.Equal("WaApi.133005", ex.ErrorId);
        Assert.Contains("set a new one", ex.Message);
    }

    [Fact]
    public async Task Object_error_data_gives_its_details_and_the_header_trace_id_is_used_when_the_body_has_none()
    {
        var ex = await Fail(() =>
        {
            var r = Json(HttpStatusCode.BadRequest, "{\"error\":{\"message\":\"Account not registered\",\"code\":133010,\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"Register first\"}}}");
            r.Headers.Add("X-Fb-Trace-Id", "HeaderTraceId");
            return r;
        });
        Assert.Equal("Register first", ex.Details);
        Assert.Equal("HeaderTraceId", ex.FbTraceId);
        Assert.Contains("not registered", ex.Message);
        Assert.Contains("Register-WaPhoneNumber", WhatsappPhone.Cmdlets.ErrorRecords.FromGraph(ex, "123123").ToString());
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(80007, true)]
    [InlineData(131016, true)]
    [InlineData(133016, false)]
    [InlineData(190, false)]
    public async Task Transient_codes_are_marked_transient(int code, bool transient)
    {
        var ex = await Fail(() => Json(HttpStatusCode.BadRequest, $"{{\"error\":{{\"message\":\"m\",\"code\":{code}}}}}"));
        Assert.Equal(transient, ex.IsTransient);
    }

    [Fact]
    public async Task Is_transient_true_in_the_body_marks_any_code_transient()
    {
        var ex = await Fail(() => Json(HttpStatusCode.BadRequest, "{\"error\":{\"message\":\"m\",\"code\":12345,\"is_transient\":true}}"));
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task An_html_page_from_a_proxy_is_a_clear_error_with_the_status()
    {
        var ex = await Fail(() => new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent("<html><body><h1>502 Bad Gateway</h1></body></html>", System.Text.Encoding.UTF8, "text/html"),
        });
        Assert.Equal(HttpStatusCode.BadGateway, ex.HttpStatusCode);
        Assert.Null(ex.Code);
        Assert.True(ex.IsTransient);
        Assert.Equal("WaApi.Http502", ex.ErrorId);
        Assert.Contains("502", ex.Message);
        Assert.Contains("text/html", ex.Message);
    }

    [Fact]
    public async Task An_empty_error_body_is_a_clear_error_with_the_status()
    {
        var ex = await Fail(() => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new ByteArrayContent(Array.Empty<byte>()) });
        Assert.Equal("WaApi.Http503", ex.ErrorId);
        Assert.Contains("empty body", ex.Message);
    }

    [Fact]
    public async Task A_truncated_success_body_is_a_transient_error_not_a_json_exception()
    {
        var full = Recorded("registered_number_with_success_response");
        var ex = await Fail(() => Json(HttpStatusCode.OK, full.Substring(0, full.Length / 2)));
        Assert.True(ex.IsTransient);
        Assert.Contains("not complete JSON", ex.Message);
        Assert.IsNotType<System.Text.Json.JsonException>(ex.InnerException);
    }

    [Fact]
    public async Task Retry_after_and_regain_time_are_read_from_the_headers()
    {
        var ex = await Fail(() =>
        {
            var r = Json((HttpStatusCode)429, "{\"error\":{\"message\":\"limit\",\"code\":80008}}");
            r.Headers.Add("X-Business-Use-Case-Usage", "{\"114503234599312\":[{\"type\":\"whatsapp_business_management\",\"call_count\":1,\"total_cputime\":1,\"total_time\":1,\"estimated_time_to_regain_access\":7}]}");
            return r;
        });
        Assert.Equal(TimeSpan.FromMinutes(7), ex.RetryAfter);
    }

    [Fact]
    public async Task An_unreachable_host_is_a_transient_connection_error()
    {
        var mock = new MockHttpMessageHandler();
        mock.When("*").Throw(new HttpRequestException("Connection refused"));
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => Client(mock, retry: NoRetries).DeregisterAsync("1", CancellationToken.None));
        Assert.Equal("WaApi.Connection", ex.ErrorId);
        Assert.True(ex.IsTransient);
        Assert.Contains("Connection refused", ex.Message);
    }

    [Fact]
    public async Task No_error_carries_the_token()
    {
        var ex = await Fail(() => Json(HttpStatusCode.Unauthorized, "{\"error\":{\"message\":\"Invalid OAuth access token - Cannot parse access token\",\"type\":\"OAuthException\",\"code\":190,\"fbtrace_id\":\"x\"}}"));
        Assert.Equal("WaApi.190", ex.ErrorId);
        Assert.DoesNotContain(Token, ex.ToString());
        Assert.Contains("expired or invalid", ex.Message);
        var record = WhatsappPhone.Cmdlets.ErrorRecords.FromGraph(ex, "123123");
        Assert.Contains("WHATSAPP_ACCESS_TOKEN", record.ToString());
        Assert.DoesNotContain(Token, record.ToString());
    }

    [Fact]
    public async Task An_unknown_account_in_a_listing_gets_account_advice_not_phone_number_advice()
    {
        // Test-WaPhoneNumber -BusinessAccountId <unknown> lists the account's numbers: the ID that failed is an account's.
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ => Json(HttpStatusCode.BadRequest, Recorded("registered_numbers_handles_error_response")));
        var client = Client(mock, retry: NoRetries);
        var ex = await Assert.ThrowsAsync<GraphApiException>(() =>
            client.GetPhoneNumberPageAsync(client.PhoneNumbersUri("114503234599312", new[] { "id" }, 100), "114503234599312", null, CancellationToken.None));
        Assert.Equal("WaApi.100.33", ex.ErrorId);
        var record = WhatsappPhone.Cmdlets.ErrorRecords.FromGraph(ex, "114503234599312");
        Assert.Contains("WhatsApp Business Account 114503234599312 is unknown, or not visible to this token", record.ToString());
        Assert.DoesNotContain("phone-number ID", record.ToString());
        Assert.DoesNotContain("not the phone number itself", record.ToString());
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, record.CategoryInfo.Category);
    }

    [Fact]
    public async Task An_unknown_business_portfolio_gets_portfolio_advice()
    {
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ => Json(HttpStatusCode.BadRequest, Recorded("registered_numbers_handles_error_response")));
        var client = Client(mock, retry: NoRetries);
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => client.GetBusinessAccountPageAsync(
            client.BusinessAccountsUri("999999999999999", WhatsappPhone.Models.BusinessAccountOwnership.Owned, 100), "999999999999999",
            WhatsappPhone.Models.BusinessAccountOwnership.Owned, CancellationToken.None));
        Assert.Contains("Business portfolio 999999999999999 is unknown", ex.Message);
        Assert.DoesNotContain("phone-number ID", WhatsappPhone.Cmdlets.ErrorRecords.FromGraph(ex, "999999999999999").ToString());
    }

    [Theory]
    [InlineData(190, null, "AuthenticationError")]
    [InlineData(200, null, "PermissionDenied")]
    [InlineData(10, null, "PermissionDenied")]
    [InlineData(100, 33, "ObjectNotFound")]
    [InlineData(100, null, "InvalidArgument")]
    [InlineData(133006, null, "InvalidOperation")]
    [InlineData(80008, null, "LimitsExceeded")]
    [InlineData(133016, null, "LimitsExceeded")]
    [InlineData(131016, null, "ResourceUnavailable")]
    [InlineData(99999, null, "InvalidResult")]
    public async Task Each_kind_of_graph_error_gets_its_error_category(int code, int? subcode, string category)
    {
        var ex = await Fail(() => Json(HttpStatusCode.BadRequest, $"{{\"error\":{{\"message\":\"m\",\"code\":{code}{(subcode is int s ? $",\"error_subcode\":{s}" : "")}}}}}"));
        Assert.Equal(category, WhatsappPhone.Cmdlets.ErrorRecords.Category(ex).ToString());
    }
}
