using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Collections.Specialized;
using WhatsappPhone.Webhooks;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests.Webhooks;

/// <summary>Meta's GET ?hub.mode=subscribe&amp;hub.verify_token=...&amp;hub.challenge=... in each shape a query arrives in.</summary>
public class WebhookChallengeTests
{
    private const string Token = "meatyhamhock";
    // Opaque: Meta's Graph page calls it an int, the WhatsApp page a random string. Echo it unchanged.
    private const string Challenge = "1158201444";

    private static ChallengeOutcome Check(object query, out string? challenge) =>
        WebhookChallenge.Check(WebhookChallenge.ToDictionary(query)!, Secure(Token), out challenge);

    public static IEnumerable<object[]> Queries()
    {
        yield return new object[] { new Hashtable { ["hub.mode"] = "subscribe", ["hub.verify_token"] = Token, ["hub.challenge"] = Challenge } };
        var nvc = System.Web.HttpUtility.ParseQueryString($"hub.mode=subscribe&hub.challenge={Challenge}&hub.verify_token={Token}");
        yield return new object[] { nvc };
        // Azure Functions' PowerShell worker: a case-insensitive Dictionary<string, string>.
        yield return new object[] { new Dictionary<string, string>(System.StringComparer.OrdinalIgnoreCase) { ["hub.mode"] = "subscribe", ["hub.verify_token"] = Token, ["hub.challenge"] = Challenge } };
        yield return new object[] { new ReadOnlyDictionary<string, string>(new Dictionary<string, string> { ["HUB.MODE"] = "subscribe", ["Hub.Verify_Token"] = Token, ["hub.challenge"] = Challenge }) };
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public void A_subscribe_with_the_token_gives_the_challenge_unchanged(object query)
    {
        Assert.Equal(ChallengeOutcome.Accepted, Check(query, out var challenge));
        Assert.Equal(Challenge, challenge);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \r\n")]
    public void A_blank_expected_token_is_refused_not_matched_by_a_blank_one_given(string blank)
    {
        var query = new Hashtable { ["hub.mode"] = "subscribe", ["hub.verify_token"] = blank, ["hub.challenge"] = Challenge };
        Assert.Throws<System.ArgumentException>(() => WebhookChallenge.Check(query, Secure(blank), out _));
    }

    [Fact]
    public void A_string_challenge_is_echoed_as_is()
    {
        var query = new Hashtable { ["hub.mode"] = "subscribe", ["hub.verify_token"] = Token, ["hub.challenge"] = "a-Z_0 9+/=é" };
        Assert.Equal(ChallengeOutcome.Accepted, Check(query, out var challenge));
        Assert.Equal("a-Z_0 9+/=é", challenge);
    }

    [Theory]
    [InlineData("unsubscribe", Token, "NotSubscribe")]
    [InlineData(null, Token, "NotSubscribe")]
    [InlineData("Subscribe", Token, "NotSubscribe")]
    [InlineData("subscribe", "meatyhamhoc", "VerifyTokenMismatch")]
    [InlineData("subscribe", "meatyhamhock ", "VerifyTokenMismatch")]
    [InlineData("subscribe", "", "VerifyTokenMismatch")]
    [InlineData("subscribe", null, "VerifyTokenMismatch")]
    public void Anything_but_subscribe_with_the_exact_token_is_refused_without_a_challenge(string? mode, string? token, string expected)
    {
        var query = new Hashtable { ["hub.challenge"] = Challenge };
        if (mode != null) query["hub.mode"] = mode;
        if (token != null) query["hub.verify_token"] = token;
        Assert.Equal(System.Enum.Parse<ChallengeOutcome>(expected), Check(query, out var challenge));
        Assert.Null(challenge);
    }

    [Fact]
    public void A_token_given_twice_is_not_a_match()
    {
        var nvc = new NameValueCollection { { "hub.mode", "subscribe" }, { "hub.verify_token", Token }, { "hub.verify_token", "other" }, { "hub.challenge", Challenge } };
        Assert.Equal(ChallengeOutcome.VerifyTokenMismatch, Check(nvc, out _));
    }

    [Fact]
    public void The_right_token_without_a_challenge_is_refused()
    {
        var query = new Hashtable { ["hub.mode"] = "subscribe", ["hub.verify_token"] = Token };
        Assert.Equal(ChallengeOutcome.ChallengeMissing, Check(query, out _));
    }
}
