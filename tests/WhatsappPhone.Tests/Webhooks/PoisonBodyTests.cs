using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks;
using Xunit;

namespace WhatsappPhone.Tests.Webhooks;

/// <summary>
/// Whatever the bytes, WebhookNotification.Parse gives events or a WaWebhookException with one of
/// its error IDs, never another exception: the listener and ConvertFrom-WaWebhook rely on it.
/// </summary>
public class PoisonBodyTests
{
    private static readonly string[] ErrorIds = typeof(WaWebhookException).GetFields()
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToArray();

    private static IEnumerable<(string Name, byte[] Bytes)> Fixtures() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "webhooks"), "*.json").OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)));

    private static string Envelope(string value) =>
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"114503234599312\",\"time\":1739321024,\"changes\":[" +
        "{\"field\":\"security\",\"value\":" + value + "}]}]}";

    private static IReadOnlyList<WebhookEvent> Parse(string body) => WebhookNotification.Parse(Encoding.UTF8.GetBytes(body));

    /// <summary>Parses; a refusal must be a WaWebhookException with a known ID. Any other exception fails the test as itself.</summary>
    private static void TakenOrRefused(byte[] body, string what)
    {
        try
        {
            WebhookNotification.Parse(body);
        }
        catch (WaWebhookException ex)
        {
            Assert.True(ErrorIds.Contains(ex.ErrorId), $"{what}: unknown error ID {ex.ErrorId}");
            Assert.False(string.IsNullOrWhiteSpace(ex.Message), what);
        }
    }

    [Theory]
    [InlineData("caf\\ud83d", "caf\ufffd")]                 // an emoji cut after its high surrogate
    [InlineData("\\udc89 end", "\ufffd end")]               // a low surrogate alone
    [InlineData("\\ud83d\\u0041", "\ufffdA")]               // a high surrogate followed by another character
    [InlineData("\\ud83d\\ud83d\\ude00", "\ufffd\U0001F600")] // one lone, then a whole pair
    [InlineData("\\ud83c\\udf89 party", "\U0001F389 party")] // a whole pair is kept
    [InlineData("\\\\ud800", "\\ud800")]                     // an escaped backslash, then plain text
    public void A_lone_surrogate_escape_in_a_text_reads_as_the_replacement_character(string escaped, string expected)
    {
        var ev = Assert.IsType<SecurityEvent>(Assert.Single(Parse(Envelope($"{{\"event\":\"PIN_CHANGED\",\"requester\":\"{escaped}\"}}"))));
        Assert.Equal(expected, ev.Requester);
        Assert.Equal("PIN_CHANGED", ev.Event);
        Assert.Matches("^[0-9a-f]{32}$", ev.Id);
    }

    [Fact]
    public void A_lone_surrogate_escape_anywhere_costs_no_event_and_the_id_stays_stable()
    {
        var body = Envelope("{\"event\":\"PIN_CHANGED\",\"requester\":\"x\",\"\\ud800\":[\"\\udfff\",{\"k\":\"\\ud800\"}]}");
        var first = Assert.Single(Parse(body));
        Assert.Equal(first.Id, Assert.Single(Parse(body)).Id);
        Assert.Contains("\\ufffd", first.Value);
        Assert.DoesNotContain("\\ud800", first.Value);
    }

    [Fact]
    public void A_lone_surrogate_in_the_object_name_is_refused_as_another_kind_of_notification()
    {
        var ex = Assert.Throws<WaWebhookException>(() => Parse("{\"object\":\"\\udc00\",\"entry\":[]}"));
        Assert.Equal(WaWebhookException.NotWhatsAppNotification, ex.ErrorId);
    }

    [Theory]
    [InlineData(new byte[] { 0xff })]
    [InlineData(new byte[] { 0xc3 })]             // a lead byte with no continuation
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 })] // an encoded surrogate (CESU-8)
    [InlineData(new byte[] { 0xc0, 0xaf })]       // an overlong encoding
    public void A_body_that_is_not_utf8_is_refused_as_malformed(byte[] bad)
    {
        var text = Encoding.UTF8.GetBytes(Envelope("{\"event\":\"PIN_CHANGED\",\"requester\":\"@\"}"));
        var at = Array.IndexOf(text, (byte)'@');
        var body = text.Take(at).Concat(bad).Concat(text.Skip(at + 1)).ToArray();
        var ex = Assert.Throws<WaWebhookException>(() => WebhookNotification.Parse(body));
        Assert.Equal(WaWebhookException.MalformedJson, ex.ErrorId);
        Assert.Contains("UTF-8", ex.Message);
        Assert.Contains($"byte {at + 1}", ex.Message);
    }

    [Fact]
    public void Every_truncation_of_every_fixture_is_taken_or_refused()
    {
        foreach (var (name, bytes) in Fixtures())
        {
            for (var n = 0; n < bytes.Length; n++) TakenOrRefused(bytes.Take(n).ToArray(), $"{name} cut to {n} bytes");
        }
    }

    [Fact]
    public void Random_bytes_and_random_changes_to_the_fixtures_are_taken_or_refused()
    {
        var random = new Random(16);
        for (var i = 0; i < 2000; i++)
        {
            var noise = new byte[random.Next(0, 200)];
            random.NextBytes(noise);
            TakenOrRefused(noise, $"random bytes #{i}");
        }

        var interesting = Encoding.UTF8.GetBytes("\\\"{}[]:,0-9eEu.\u0080\uffff\U0001F600").Concat(new byte[] { 0, 0x1b, 0xc0, 0xed, 0xff }).ToArray();
        foreach (var (name, bytes) in Fixtures())
        {
            for (var i = 0; i < 300; i++)
            {
                var copy = (byte[])bytes.Clone();
                for (var k = random.Next(1, 4); k > 0; k--)
                    copy[random.Next(copy.Length)] = random.Next(2) == 0 ? (byte)random.Next(256) : interesting[random.Next(interesting.Length)];
                TakenOrRefused(copy, $"{name} changed #{i}");
            }
        }
    }

    /// <summary>Values of every JSON kind and edge, put in place of each value of each fixture in turn.</summary>
    private static readonly string[] OddValues =
    {
        "null", "true", "false", "0", "-1", "1.5", "1e400", "-1e400", "123456789012345678901234567890", "253402300800", "-62135596801",
        "\"\"", "\"\\ud800\"", "\"\\u0000\\u001b[2J\\u009b\\u202e\"", "\"99999999999999999999\"", "[]", "{}", "[[[[[[[[]]]]]]]]",
        "{\"event\":{\"event\":[1,{\"x\":null}]}}", "[{\"field\":\"security\",\"value\":{}}]",
    };

    [Fact]
    public void An_odd_value_or_a_missing_property_in_every_place_of_every_fixture_is_taken_or_refused()
    {
        const string Placeholder = "\"@@odd@@\"";
        foreach (var (name, bytes) in Fixtures())
        {
            var paths = Paths(JsonNode.Parse(bytes)!).ToList();
            Assert.NotEmpty(paths);
            foreach (var path in paths)
            {
                foreach (var odd in OddValues)
                {
                    var doc = JsonNode.Parse(bytes)!;
                    Replace(doc, path, JsonValue.Create("@@odd@@"));
                    TakenOrRefused(Encoding.UTF8.GetBytes(doc.ToJsonString().Replace(Placeholder, odd)), $"{name} with {path} = {odd}");
                }

                var without = JsonNode.Parse(bytes)!;
                Replace(without, path, null);
                TakenOrRefused(Encoding.UTF8.GetBytes(without.ToJsonString()), $"{name} without {path}");
            }
        }
    }

    [Theory]
    [InlineData(64)]
    [InlineData(100_000)]
    public void Deep_nesting_is_taken_or_refused(int depth)
    {
        TakenOrRefused(Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth)), "nested arrays");
        TakenOrRefused(Encoding.UTF8.GetBytes(Envelope(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth))), "nested value");
    }

    /// <summary>Every value's path, as the property names and array indexes from the root.</summary>
    private static IEnumerable<object[]> Paths(JsonNode node, object[]? prefix = null)
    {
        prefix ??= Array.Empty<object>();
        if (node is JsonObject o)
        {
            foreach (var p in o)
            {
                var path = prefix.Append(p.Key).ToArray();
                yield return path;
                if (p.Value != null) foreach (var inner in Paths(p.Value, path)) yield return inner;
            }
        }
        else if (node is JsonArray a)
        {
            for (var i = 0; i < a.Count; i++)
            {
                var path = prefix.Append(i).ToArray();
                yield return path;
                if (a[i] != null) foreach (var inner in Paths(a[i]!, path)) yield return inner;
            }
        }
    }

    /// <summary>Puts <paramref name="value"/> at the path; null removes the property or array item.</summary>
    private static void Replace(JsonNode root, object[] path, JsonNode? value)
    {
        var parent = root;
        foreach (var step in path.Take(path.Length - 1)) parent = step is string k ? parent[k]! : parent[(int)step]!;
        switch (path[^1], parent)
        {
            case (string key, JsonObject o) when value == null: o.Remove(key); break;
            case (string key, JsonObject o): o[key] = value; break;
            case (int index, JsonArray a) when value == null: a.RemoveAt(index); break;
            case (int index, JsonArray a): a[index] = value; break;
        }
    }
}
