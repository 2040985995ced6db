using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Security;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Api.Pipeline;
using WhatsappPhone.Models;

namespace WhatsappPhone.Api;

/// <summary>Webhook subscriptions of WhatsApp Business Accounts, and a number's webhook override.</summary>
internal sealed partial class GraphClient
{
    /// <summary>Graph lists a handful of apps per account; more pages than this is an answer not to follow.</summary>
    private const int MaxSubscriptionPages = 10;

    /// <summary>GET /{waba-id}/subscribed_apps: every page (an account rarely has more than one app).</summary>
    public async Task<IReadOnlyList<WebhookSubscription>> GetWebhookSubscriptionsAsync(string businessAccountId, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(businessAccountId, IdKind.BusinessAccount, nameof(businessAccountId));
        var all = new List<WebhookSubscription>();
        var pages = new PageIterator<WebhookSubscription>(ApiUri($"{businessAccountId}/subscribed_apps", null),
            (uri, ct) => GetPageAsync(uri, businessAccountId, IdKind.BusinessAccount, e => WebhookJson.ReadSubscription(e, businessAccountId), ct), s => s.AppId);
        while (pages.PagesRead < MaxSubscriptionPages && await pages.NextAsync(cancellationToken).ConfigureAwait(false) is { } page)
            all.AddRange(page.Items);
        return all;
    }

    /// <summary>
    /// POST /{waba-id}/subscribed_apps: subscribes the token's app. With a callback, Meta first verifies it
    /// (the handshake) and routes the account's message webhooks there; without, any account override is cleared.
    /// </summary>
    public Task SubscribeWebhooksAsync(string businessAccountId, Uri? overrideCallbackUri, SecureString? verifyToken, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(businessAccountId, IdKind.BusinessAccount, nameof(businessAccountId));
        if ((overrideCallbackUri == null) != (verifyToken == null))
            throw new ArgumentException("An override callback needs its verify token, and a verify token needs the callback: give both or neither.", nameof(verifyToken));
        var body = overrideCallbackUri == null ? null : JsonBody(w =>
        {
            w.WriteString("override_callback_uri", WebhookInput.RequireCallbackUri(overrideCallbackUri.OriginalString, nameof(overrideCallbackUri)).OriginalString);
            WriteVerifyToken(w, "verify_token", verifyToken!);
        });
        return SendForSuccessAsync(HttpMethod.Post, businessAccountId, IdKind.BusinessAccount, $"{businessAccountId}/subscribed_apps", body, cancellationToken);
    }

    /// <summary>DELETE /{waba-id}/subscribed_apps: the account stops sending this app any webhook.</summary>
    public Task UnsubscribeWebhooksAsync(string businessAccountId, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(businessAccountId, IdKind.BusinessAccount, nameof(businessAccountId));
        return SendForSuccessAsync(HttpMethod.Delete, businessAccountId, IdKind.BusinessAccount, $"{businessAccountId}/subscribed_apps", null, cancellationToken);
    }

    /// <summary>POST /{phone-number-id} {"webhook_configuration":{...}}: the number's message webhooks go to the callback, once Meta verified it.</summary>
    public Task SetPhoneNumberWebhookAsync(string phoneNumberId, Uri callbackUri, SecureString verifyToken, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        if (callbackUri == null) throw new ArgumentNullException(nameof(callbackUri));
        if (verifyToken == null) throw new ArgumentNullException(nameof(verifyToken));
        return PostForSuccessAsync(phoneNumberId, phoneNumberId, JsonBody(w =>
        {
            w.WriteStartObject("webhook_configuration");
            w.WriteString("override_callback_uri", WebhookInput.RequireCallbackUri(callbackUri.OriginalString, nameof(callbackUri)).OriginalString);
            WriteVerifyToken(w, "verify_token", verifyToken);
            w.WriteEndObject();
        }), cancellationToken);
    }

    /// <summary>POST /{phone-number-id} with an empty override_callback_uri: the number's override is removed.</summary>
    public Task RemovePhoneNumberWebhookAsync(string phoneNumberId, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        return PostForSuccessAsync(phoneNumberId, phoneNumberId, JsonBody(w =>
        {
            w.WriteStartObject("webhook_configuration");
            w.WriteString("override_callback_uri", "");
            w.WriteEndObject();
        }), cancellationToken);
    }

    /// <summary>GET /{phone-number-id}?fields=webhook_configuration.</summary>
    public async Task<PhoneNumberWebhook> GetPhoneNumberWebhookAsync(string phoneNumberId, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        using var doc = await _pipeline.SendAsync(new GraphRequest(HttpMethod.Get, ApiUri(phoneNumberId, "fields=id,webhook_configuration"), phoneNumberId, IdKind.PhoneNumber), cancellationToken).ConfigureAwait(false);
        return WebhookJson.ReadConfiguration(doc.RootElement, phoneNumberId);
    }

    private static void WriteVerifyToken(Utf8JsonWriter w, string name, SecureString token) =>
        Secrets.WithRevealed(token, t =>
        {
            WebhookInput.RequireVerifyToken(t, "VerifyToken");
            w.WriteString(name, t);
        });
}
