using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;
using WhatsappPhone.Models;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests.Api;

/// <summary>Webhook subscriptions and a number's override: the exact requests, and how answers are read (webhooks.md, the v23 reference).</summary>
public class GraphClientWebhooksTests
{
    private const string Waba = "104996122399160";
    private const string Number = "106540352242922";
    private const string VerifyToken = "my-verify-t0ken";

    // The reference's example of GET /{waba-id}/subscribed_apps with two apps, and webhooks.md's with an override.
    private const string TwoApps = "{\"data\":[{\"whatsapp_business_api_data\":{\"id\":\"1234567890123456\",\"name\":\"Business Messaging App\",\"link\":\"https://www.facebook.com/games/?app_id=1234567890123456\"}}," +
                           "{\"whatsapp_business_api_data\":{\"id\":\"2345678901234567\",\"name\":\"Customer Support Bot\",\"link\":\"https://www.facebook.com/games/?app_id=2345678901234567\"},\"override_callback_uri\":\"https://hooks.example.com/waba\"}]}";

    private static (MockHttpMessageHandler Mock, List<(HttpRequestMessage Request, string? Body)> Seen) Recording(HttpMethod method, string url, string answer)
    {
        var mock = new MockHttpMessageHandler();
        var seen = new List<(HttpRequestMessage, string?)>();
        mock.When(method, url).Respond(async req =>
        {
            seen.Add((req, req.Content == null ? null : await req.Content.ReadAsStringAsync()));
            return Json(HttpStatusCode.OK, answer);
        });
        mock.Fallback.Respond(req => throw new InvalidOperationException($"Unexpected request {req.Method} {req.RequestUri}"));
        return (mock, seen);
    }

    [Fact]
    public async Task Subscriptions_are_read_with_the_app_and_the_override_as_Graph_returns_them()
    {
        var (mock, seen) = Recording(HttpMethod.Get, $"https://graph.facebook.com/v25.0/{Waba}/subscribed_apps", TwoApps);

        var subscriptions = await Client(mock).GetWebhookSubscriptionsAsync(Waba, CancellationToken.None);

        Assert.Single(seen);
        Assert.Equal(new[] { "1234567890123456", "2345678901234567" }, subscriptions.Select(s => s.AppId));
        Assert.All(subscriptions, s => Assert.Equal(Waba, s.BusinessAccountId));
        Assert.Equal("Customer Support Bot", subscriptions[1].AppName);
        Assert.Equal("https://www.facebook.com/games/?app_id=2345678901234567", subscriptions[1].AppLink);
        Assert.Null(subscriptions[0].OverrideCallbackUri);
        Assert.Equal("https://hooks.example.com/waba", subscriptions[1].OverrideCallbackUri);
    }

    [Fact]
    public async Task An_account_with_no_subscribed_app_reads_as_an_empty_list()
    {
        var (mock, _) = Recording(HttpMethod.Get, $"https://graph.facebook.com/v25.0/{Waba}/subscribed_apps", "{\"data\":[]}");

        Assert.Empty(await Client(mock).GetWebhookSubscriptionsAsync(Waba, CancellationToken.None));
    }

    [Fact]
    public async Task A_subscriptions_page_whose_next_link_leads_back_to_itself_stops_with_a_paging_loop_error()
    {
        var (mock, seen) = Recording(HttpMethod.Get, $"https://graph.facebook.com/v25.0/{Waba}/subscribed_apps",
            TwoApps.TrimEnd('}') + $",\"paging\":{{\"cursors\":{{\"after\":\"QVFI\"}},\"next\":\"https://graph.facebook.com/v25.0/{Waba}/subscribed_apps?after=QVFI\"}}}}");

        var ex = await Assert.ThrowsAsync<GraphApiException>(() => Client(mock).GetWebhookSubscriptionsAsync(Waba, CancellationToken.None));

        Assert.Equal("WaApi.PagingLoop", ex.ErrorId);
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task Subscribing_without_an_override_posts_no_body()
    {
        var (mock, seen) = Recording(HttpMethod.Post, $"https://graph.facebook.com/v25.0/{Waba}/subscribed_apps", "{\"success\":true}");

        await Client(mock).SubscribeWebhooksAsync(Waba, null, null, CancellationToken.None);

        Assert.Null(Assert.Single(seen).Body);
    }

    [Fact]
    public async Task Subscribing_with_an_override_sends_the_callback_and_the_verify_token_only_in_the_body()
    {
        var (mock, seen) = Recording(HttpMethod.Post, $"https://graph.facebook.com/v25.0/{Waba}/subscribed_apps", "{\"success\":true}");
        var log = new ListLog();

        await Client(mock, log: log).SubscribeWebhooksAsync(Waba, new Uri("https://hooks.example.com/waba?code=k"), Secure(VerifyToken), CancellationToken.None);

        var (request, body) = Assert.Single(seen);
        using var json = JsonDocument.Parse(body!);
        Assert.Equal("https://hooks.example.com/waba?code=k", json.RootElement.GetProperty("override_callback_uri").GetString());
        Assert.Equal(VerifyToken, json.RootElement.GetProperty("verify_token").GetString());
        Assert.DoesNotContain(VerifyToken, request.RequestUri!.ToString());
        Assert.DoesNotContain(log.DebugLines.Concat(log.VerboseLines), l => l.Contains(VerifyToken));
    }

    [Theory]
    [InlineData("http://hooks.example.com/waba", "https")]
    [InlineData("ftp://hooks.example.com/waba", "https")]
    [InlineData("https://user:secret@hooks.example.com/waba", "user name or password")]
    [InlineData("https://hooks.example.com/waba#top", "fragment")]
    [InlineData("/relative/hook", "absolute")]
    public async Task A_callback_Meta_would_refuse_is_an_argument_error_before_any_request(string callback, string said)
    {
        var mock = new MockHttpMessageHandler();
        mock.Fallback.Respond(req => throw new InvalidOperationException("No request may be sent."));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            Client(mock).SetPhoneNumberWebhookAsync(Number, new Uri(callback, UriKind.RelativeOrAbsolute), Secure(VerifyToken), CancellationToken.None));

        Assert.Contains(said, ex.Message);
        Assert.DoesNotContain("secret", ex.Message);
    }

    [Theory]
    [InlineData("http://hooks.example.com/waba?code=FUNCTION-KEY", "https://hooks.example.com/waba?…")]
    [InlineData("ftp://hooks.example.com/waba?code=FUNCTION-KEY", "https")]
    [InlineData("hooks.example.com/waba?code=FUNCTION-KEY", "'hooks.example.com/waba?…' is not an absolute URL")]
    [InlineData("https://user:pw@hooks.example.com/waba?code=FUNCTION-KEY", "user name or password")]
    public void A_refused_callbacks_query_is_not_in_the_message(string callback, string said)
    {
        var ex = Assert.Throws<ArgumentException>(() => WebhookInput.RequireCallbackUri(callback, "CallbackUri"));

        Assert.Contains(said, ex.Message);
        Assert.DoesNotContain("FUNCTION-KEY", ex.Message);
    }

    [Fact]
    public async Task A_callback_read_back_shows_no_query_or_password()
    {
        var (subscriptions, _) = Recording(HttpMethod.Get, $"https://graph.facebook.com/v25.0/{Waba}/subscribed_apps",
            "{\"data\":[{\"whatsapp_business_api_data\":{\"id\":\"1\",\"name\":\"A\"},\"override_callback_uri\":\"https://fn.azurewebsites.net/api/hook?code=FUNCTION-KEY&clientId=default\"}]}");
        var subscription = Assert.Single(await Client(subscriptions).GetWebhookSubscriptionsAsync(Waba, CancellationToken.None));
        Assert.Equal("https://fn.azurewebsites.net/api/hook?…", subscription.OverrideCallbackUri);

        var (configuration, _) = Recording(HttpMethod.Get, $"https://graph.facebook.com/v25.0/{Number}",
            "{\"id\":\"" + Number + "\",\"webhook_configuration\":{\"phone_number\":\"https://fn.azurewebsites.net/api/number?code=FUNCTION-KEY\"," +
            "\"whatsapp_business_account\":\"https://user:FUNCTION-KEY@hooks.example.com/waba#FUNCTION-KEY\",\"application\":\"https://hooks.example.com/app?FUNCTION-KEY\"}}");
        var webhook = await Client(configuration).GetPhoneNumberWebhookAsync(Number, CancellationToken.None);
        Assert.Equal("https://fn.azurewebsites.net/api/number?…", webhook.PhoneNumberCallbackUri);
        Assert.Equal("https://***@hooks.example.com/waba", webhook.BusinessAccountCallbackUri);
        Assert.Equal("https://hooks.example.com/app?…", webhook.ApplicationCallbackUri);
        Assert.Equal("https://fn.azurewebsites.net/api/number?…", webhook.EffectiveCallbackUri);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook/")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://[::1]:9000/hook")]
    [InlineData("https://hooks.example.com/whatsapp")]
    public void Https_and_plain_http_to_this_machine_are_accepted_callbacks(string callback) =>
        Assert.Equal(callback, WebhookInput.RequireCallbackUri(callback, "CallbackUri").OriginalString);

    [Fact]
    public async Task An_override_without_its_verify_token_is_refused_before_any_request()
    {
        var mock = new MockHttpMessageHandler();
        mock.Fallback.Respond(req => throw new InvalidOperationException("No request may be sent."));

        await Assert.ThrowsAsync<ArgumentException>(() =>
            Client(mock).SubscribeWebhooksAsync(Waba, new Uri("https://hooks.example.com/"), null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Client(mock).SetPhoneNumberWebhookAsync(Number, new Uri("https://hooks.example.com/"), Secure(""), CancellationToken.None));
    }

    [Fact]
    public async Task A_numbers_override_is_set_in_webhook_configuration_and_removed_with_an_empty_uri()
    {
        var (mock, seen) = Recording(HttpMethod.Post, $"https://graph.facebook.com/v25.0/{Number}", "{\"success\":true}");
        var client = Client(mock);

        await client.SetPhoneNumberWebhookAsync(Number, new Uri("https://hooks.example.com/number"), Secure(VerifyToken), CancellationToken.None);
        await client.RemovePhoneNumberWebhookAsync(Number, CancellationToken.None);

        Assert.Equal("{\"webhook_configuration\":{\"override_callback_uri\":\"https://hooks.example.com/number\",\"verify_token\":\"my-verify-t0ken\"}}", seen[0].Body);
        Assert.Equal("{\"webhook_configuration\":{\"override_callback_uri\":\"\"}}", seen[1].Body);
    }

    [Fact]
    public async Task Unsubscribing_sends_delete_and_requires_Graphs_success()
    {
        var (mock, seen) = Recording(HttpMethod.Delete, $"https://graph.facebook.com/v25.0/{Waba}/subscribed_apps", "{\"success\":false}");

        var ex = await Assert.ThrowsAsync<GraphApiException>(() => Client(mock).UnsubscribeWebhooksAsync(Waba, CancellationToken.None));

        Assert.Single(seen);
        Assert.Contains("DELETE", ex.Message);
    }

    [Fact]
    public async Task A_numbers_webhook_configuration_reads_each_level_and_the_one_that_applies()
    {
        var (mock, _) = Recording(HttpMethod.Get, $"https://graph.facebook.com/v25.0/{Number}",
            "{\"id\":\"" + Number + "\",\"webhook_configuration\":{\"whatsapp_business_account\":\"https://hooks.example.com/waba\",\"application\":\"https://hooks.example.com/app\"}}");

        var webhook = await Client(mock).GetPhoneNumberWebhookAsync(Number, CancellationToken.None);

        Assert.Equal(Number, webhook.PhoneNumberId);
        Assert.Null(webhook.PhoneNumberCallbackUri);
        Assert.Equal("https://hooks.example.com/app", webhook.ApplicationCallbackUri);
        Assert.Equal("https://hooks.example.com/waba", webhook.EffectiveCallbackUri);
    }
}
