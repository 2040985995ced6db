using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests.Api;

/// <summary>Server text reaches output and errors without terminal control sequences, and bounded.</summary>
public class ServerTextTests
{
    private const string Waba = "114503234599312";
    // An OSC that retitles the window, a CSI that clears the screen, a C1 CSI, a bell, a bidi override, a newline.
    private const string Hostile = "Shop\\u001b]0;pwned\\u0007 \\u001b[2J\\u001b[31mRed\\u001b[0m\\u009b1mX\\u0007\\u202eevil\\nNext";

    private static bool Clean(string? s) => s == null || !s.Any(c => char.IsControl(c) || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069'));

    private static GraphClient ClientAnswering(HttpStatusCode status, string json)
    {
        var mock = new MockHttpMessageHandler();
        mock.When("*").Respond(_ => Json(status, json));
        return Client(mock, retry: NoRetries);
    }

    [Fact]
    public async Task Control_sequences_in_a_verified_name_are_stripped_and_the_text_around_them_kept()
    {
        var client = ClientAnswering(HttpStatusCode.OK, "{\"data\":[{\"id\":\"1\",\"verified_name\":\"" + Hostile + "\",\"status\":\"CONN\\u001b[8mECTED\"}]}");

        var page = await client.GetPhoneNumberPageAsync(client.PhoneNumbersUri(Waba, PhoneNumberJson.FieldsFor(25), 10), Waba, null, CancellationToken.None);

        var n = Assert.Single(page.Items);
        Assert.Equal("Shop RedXevil Next", n.VerifiedName);
        Assert.Equal("CONNECTED", n.Status);
    }

    [Fact]
    public async Task Control_sequences_in_health_errors_and_account_names_are_stripped()
    {
        var client = ClientAnswering(HttpStatusCode.OK,
            "{\"id\":\"1\",\"health_status\":{\"can_send_message\":\"BLOCKED\",\"entities\":[{\"entity_type\":\"WABA\",\"id\":\"2\",\"errors\":[{\"error_code\":\"1\",\"error_description\":\"" + Hostile + "\",\"possible_solution\":\"" + Hostile + "\"}]}]}}");

        var n = await client.GetPhoneNumberAsync("1", new[] { "id" }, null, CancellationToken.None);

        Assert.True(Clean(n.HealthIssues?.Replace("\n", "")));
        Assert.All(n.HealthErrors!, e => Assert.True(Clean(e.Description) && Clean(e.PossibleSolution)));
    }

    [Fact]
    public async Task A_graph_error_keeps_no_control_characters_in_any_of_its_texts()
    {
        var client = ClientAnswering(HttpStatusCode.BadRequest,
            "{\"error\":{\"message\":\"" + Hostile + "\",\"type\":\"OAuth\\u001b[1mException\",\"code\":100,\"error_user_title\":\"" + Hostile +
            "\",\"error_user_msg\":\"" + Hostile + " user\",\"error_data\":{\"details\":\"" + Hostile + " details\"},\"fbtrace_id\":\"A\\u001b[2JB\"}}");

        var ex = await Assert.ThrowsAsync<GraphApiException>(() => client.GetPhoneNumberAsync("1", new[] { "id" }, null, CancellationToken.None));

        Assert.All(new[] { ex.Message, ex.GraphMessage, ex.Type, ex.UserTitle, ex.UserMessage, ex.Details, ex.FbTraceId }, s => Assert.True(Clean(s), s));
        Assert.StartsWith("Shop RedXevil Next", ex.GraphMessage);
        Assert.Equal("OAuthException", ex.Type);
    }

    [Fact]
    public async Task A_five_megabyte_error_message_is_shortened_everywhere_and_the_advice_survives()
    {
        var huge = new string('x', 5_000_000);
        var client = ClientAnswering(HttpStatusCode.Unauthorized,
            "{\"error\":{\"message\":\"" + huge + "\",\"type\":\"OAuthException\",\"code\":190,\"error_user_msg\":\"" + huge + "y\",\"error_data\":\"" + huge + "z\"}}");

        var ex = await Assert.ThrowsAsync<GraphApiException>(() => client.GetPhoneNumberAsync("1", new[] { "id" }, null, CancellationToken.None));

        Assert.True(ex.GraphMessage!.Length <= ServerText.MaxLength, $"GraphMessage {ex.GraphMessage.Length}");
        Assert.True(ex.UserMessage!.Length <= ServerText.MaxLength);
        Assert.True(ex.Details!.Length <= ServerText.MaxLength);
        Assert.True(ex.Message.Length <= 5 * ServerText.MaxLength, $"Message {ex.Message.Length}");
        Assert.Contains("characters left out", ex.GraphMessage);
        Assert.NotNull(ex.Advice);
        Assert.EndsWith(ex.Advice, ex.Message);
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("a\u001b[38;5;196mb", "ab")]
    [InlineData("a\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\b", "alinkb")]
    [InlineData("tab\there", "tab here")]
    [InlineData("caf\u00e9 \u65e5\u672c \U0001F600", "caf\u00e9 \u65e5\u672c \U0001F600")]
    [InlineData("\u001b", "")]
    public void Clean_strips_sequences_and_controls_and_keeps_every_printable_character(string raw, string expected)
    {
        Assert.Equal(expected, ServerText.Clean(raw));
    }

    [Fact]
    public void Shorten_never_splits_a_surrogate_pair()
    {
        var s = new string('a', ServerText.MaxLength - 1) + string.Concat(Enumerable.Repeat("\U0001F600", 2000));
        var shortened = ServerText.Shorten(s)!;
        Assert.True(shortened.Length <= ServerText.MaxLength);
        for (var i = 0; i < shortened.Length; i++)
        {
            if (char.IsHighSurrogate(shortened[i])) Assert.True(i + 1 < shortened.Length && char.IsLowSurrogate(shortened[i + 1]));
            else if (char.IsLowSurrogate(shortened[i])) Assert.True(i > 0 && char.IsHighSurrogate(shortened[i - 1]));
        }
    }
}
