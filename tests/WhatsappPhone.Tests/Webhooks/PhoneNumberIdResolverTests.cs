using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using RichardSzalay.MockHttp;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests.Webhooks;

/// <summary>-Resolve: the display digits of an event looked up among its account's numbers, one listing per account.</summary>
public class PhoneNumberIdResolverTests
{
    private const string Waba = "114503234599312";

    private static WebhookEvent Event(string number, string account = Waba) => WebhookNotification.Parse(System.Text.Encoding.UTF8.GetBytes(
        $"{{\"object\":\"whatsapp_business_account\",\"entry\":[{{\"id\":\"{account}\",\"time\":1739321024,\"changes\":[{{\"field\":\"security\",\"value\":{{\"display_phone_number\":\"{number}\",\"event\":\"PIN_CHANGED\"}}}}]}}]}}"))[0];

    [Fact]
    public async Task Bare_digits_find_the_number_listed_as_formatted_and_the_listing_is_reused()
    {
        var mock = new MockHttpMessageHandler();
        // The recorded listing: +1 555-093-4873 is 107878721936019.
        var listing = mock.When($"https://graph.facebook.com/v25.0/{Waba}/phone_numbers").Respond("application/json", Recorded("registered_numbers_with_success_response"));
        var resolver = new PhoneNumberIdResolver(Client(mock));

        var events = Enumerable.Range(0, 50).Select(_ => Event("15550934873")).ToList();
        foreach (var ev in events) Assert.True(await resolver.ResolveAsync(ev, CancellationToken.None));

        Assert.All(events, ev => Assert.Equal("107878721936019", ev.PhoneNumberId));
        Assert.Equal(1, mock.GetMatchCount(listing));
    }

    [Fact]
    public async Task A_number_not_in_the_account_stays_empty_and_says_so()
    {
        var mock = new MockHttpMessageHandler();
        mock.When($"https://graph.facebook.com/v25.0/{Waba}/phone_numbers").Respond("application/json", Recorded("registered_numbers_with_success_response"));
        var ev = Event("15550783881");
        Assert.False(await new PhoneNumberIdResolver(Client(mock)).ResolveAsync(ev, CancellationToken.None));
        Assert.Null(ev.PhoneNumberId);
    }

    [Fact]
    public async Task A_failed_listing_is_reported_once_and_not_repeated_for_the_next_events()
    {
        var mock = new MockHttpMessageHandler();
        var listing = mock.When($"https://graph.facebook.com/v25.0/{Waba}/phone_numbers").Respond(System.Net.HttpStatusCode.BadRequest, "application/json",
            "{\"error\":{\"message\":\"(#100) Unsupported get request.\",\"type\":\"GraphMethodException\",\"code\":100,\"error_subcode\":33}}");
        var resolver = new PhoneNumberIdResolver(Client(mock, retry: NoRetries));
        await Assert.ThrowsAsync<WhatsappPhone.Api.GraphApiException>(() => resolver.ResolveAsync(Event("15550934873"), CancellationToken.None));
        Assert.False(await resolver.ResolveAsync(Event("15550934873"), CancellationToken.None));
        Assert.Equal(1, mock.GetMatchCount(listing));
    }

    [Fact]
    public async Task A_next_link_back_to_a_page_already_read_stops_the_listing_instead_of_following_it()
    {
        var mock = new MockHttpMessageHandler();
        // Every page answers the same cursor: without the check the listing would be read without end.
        var listing = mock.When($"https://graph.facebook.com/v25.0/{Waba}/phone_numbers").Respond("application/json",
            $"{{\"data\":[{{\"id\":\"107878721936019\",\"display_phone_number\":\"+1 555-093-4873\"}}],\"paging\":{{\"cursors\":{{\"after\":\"QVFI\"}},\"next\":\"https://graph.facebook.com/v25.0/{Waba}/phone_numbers?limit=100&after=QVFI\"}}}}");
        var resolver = new PhoneNumberIdResolver(Client(mock));
        var ex = await Assert.ThrowsAsync<WhatsappPhone.Api.GraphApiException>(() => resolver.ResolveAsync(Event("15550934873"), CancellationToken.None));
        Assert.Equal("WaApi.PagingLoop", ex.ErrorId);
        Assert.Equal(2, mock.GetMatchCount(listing));
    }

    [Fact]
    public async Task Events_with_an_id_or_without_a_number_send_no_request()
    {
        var mock = new MockHttpMessageHandler();
        var any = mock.When("*").Respond("application/json", "{}");
        var resolver = new PhoneNumberIdResolver(Client(mock));
        var messages = WebhookNotification.Parse(System.IO.File.ReadAllBytes(System.IO.Path.Combine(System.AppContext.BaseDirectory, "webhooks", "messages.json")))[0];
        var review = WebhookNotification.Parse(System.IO.File.ReadAllBytes(System.IO.Path.Combine(System.AppContext.BaseDirectory, "webhooks", "account-review-update.json")))[0];
        Assert.True(await resolver.ResolveAsync(messages, CancellationToken.None));
        Assert.True(await resolver.ResolveAsync(review, CancellationToken.None));
        Assert.Equal("106540352242922", messages.PhoneNumberId);
        Assert.Equal(0, mock.GetMatchCount(any));
    }
}
