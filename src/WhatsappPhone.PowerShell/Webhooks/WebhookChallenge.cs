using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Security;
using WhatsappPhone.Api;

namespace WhatsappPhone.Webhooks;

internal enum ChallengeOutcome
{
    Accepted,
    /// <summary>hub.mode is missing or not "subscribe".</summary>
    NotSubscribe,
    /// <summary>hub.verify_token is missing or not the expected token.</summary>
    VerifyTokenMismatch,
    /// <summary>The request is a valid subscription but carries no hub.challenge to echo.</summary>
    ChallengeMissing,
}

/// <summary>Meta's verification GET: hub.mode=subscribe, hub.verify_token and hub.challenge to echo.</summary>
internal static class WebhookChallenge
{
    public const string Mode = "hub.mode";
    public const string VerifyToken = "hub.verify_token";
    public const string Challenge = "hub.challenge";

    /// <summary>Checks a query; on <see cref="ChallengeOutcome.Accepted"/>, <paramref name="challenge"/> is the value to echo, unchanged.</summary>
    public static ChallengeOutcome Check(IDictionary query, SecureString verifyToken, out string? challenge)
    {
        if (query == null) throw new ArgumentNullException(nameof(query));
        if (verifyToken == null) throw new ArgumentNullException(nameof(verifyToken));
        // A blank expected token would match a handshake that sends none.
        Secrets.WithRevealed(verifyToken, t =>
        {
            if (WebhookInput.CheckSecret(t) is { } problem) throw new ArgumentException(problem, nameof(verifyToken));
        });
        challenge = null;
        if (!string.Equals(Value(query, Mode), "subscribe", StringComparison.Ordinal)) return ChallengeOutcome.NotSubscribe;
        var token = Value(query, VerifyToken);
        if (token == null || !ConstantTime.EqualText(token, verifyToken)) return ChallengeOutcome.VerifyTokenMismatch;
        challenge = Value(query, Challenge);
        return string.IsNullOrEmpty(challenge) ? ChallengeOutcome.ChallengeMissing : ChallengeOutcome.Accepted;
    }

    /// <summary>
    /// A query as a dictionary of single strings: a hashtable or any IDictionary (Azure Functions'
    /// $Request.Query), a NameValueCollection (HttpListener's QueryString), or a generic
    /// dictionary of strings. A key given twice has no single value and counts as missing.
    /// </summary>
    public static IDictionary? ToDictionary(object? query)
    {
        switch (query)
        {
            case null:
                return null;
            case IDictionary dictionary:
                return dictionary;
            case NameValueCollection collection:
                var fromCollection = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var key in collection.AllKeys)
                {
                    if (key == null) continue;
                    var values = collection.GetValues(key);
                    fromCollection[key] = values != null && values.Length == 1 ? values[0] : null;
                }
                return fromCollection;
            case IEnumerable<KeyValuePair<string, string>> pairs:
                var fromPairs = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var pair in pairs) fromPairs[pair.Key] = pair.Value;
                return fromPairs;
            default:
                return null;
        }
    }

    /// <summary>The key exactly, else the only key that matches ignoring case; a non-string value as its text.</summary>
    private static string? Value(IDictionary query, string key)
    {
        object? value = null;
        var found = false;
        if (query.Contains(key))
        {
            value = query[key];
            found = true;
        }
        else
        {
            foreach (DictionaryEntry entry in query)
            {
                if (entry.Key is string k && string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
                {
                    if (found) return null;
                    value = entry.Value;
                    found = true;
                }
            }
        }

        return value switch
        {
            null => null,
            string s => s,
            string[] { Length: 1 } one => one[0],
            IEnumerable and not string => null,
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
