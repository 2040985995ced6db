using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Models;
using WhatsappPhone.Models.Webhooks;

namespace WhatsappPhone.Webhooks;

/// <summary>
/// Fills PhoneNumberId for events that name a number only by its display digits (quality, name
/// and security updates), from the numbers of the event's account. Each account is listed once
/// (every page) and the listing reused, so a batch of a thousand events costs one listing.
/// </summary>
internal sealed class PhoneNumberIdResolver
{
    private static readonly string[] Fields = { "id", "display_phone_number" };

    /// <summary>An answer is untrusted: a listing that never ends stops here (far beyond any account).</summary>
    private const ulong MaxNumbers = 100_000;

    private readonly Func<string, CancellationToken, Task<IReadOnlyDictionary<string, string>>> _listAccount;
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>?> _accounts = new Dictionary<string, IReadOnlyDictionary<string, string>?>(StringComparer.Ordinal);

    /// <param name="listAccount">Lists an account's numbers as display digits → phone-number ID.</param>
    public PhoneNumberIdResolver(Func<string, CancellationToken, Task<IReadOnlyDictionary<string, string>>> listAccount) =>
        _listAccount = listAccount;

    public PhoneNumberIdResolver(GraphClient client) : this((account, ct) => ListAsync(client, account, ct)) { }

    /// <summary>Accounts listed so far (a failed listing counts: it is not tried again in this call).</summary>
    public int Listings => _accounts.Count;

    /// <summary>
    /// Sets the PhoneNumberId of the event when it lacks one and its number is among its account's.
    /// Returns false when the number is not there; a failed listing throws once, and is then
    /// treated as "not found" for the rest of the call.
    /// </summary>
    public async Task<bool> ResolveAsync(WebhookEvent ev, CancellationToken cancellationToken)
    {
        if (ev.PhoneNumberId != null || ev.BusinessAccountId == null) return true;
        var digits = WebhookNotification.Digits(ev.DisplayPhoneNumber);
        if (digits.Length == 0) return true;
        if (!_accounts.TryGetValue(ev.BusinessAccountId, out var numbers))
        {
            _accounts[ev.BusinessAccountId] = null;
            numbers = await _listAccount(ev.BusinessAccountId, cancellationToken).ConfigureAwait(false);
            _accounts[ev.BusinessAccountId] = numbers;
        }
        if (numbers != null && numbers.TryGetValue(digits, out var id))
        {
            ev.PhoneNumberId = id;
            return true;
        }
        return false;
    }

    private static async Task<IReadOnlyDictionary<string, string>> ListAsync(GraphClient client, string account, CancellationToken cancellationToken)
    {
        var byDigits = new Dictionary<string, string>(StringComparer.Ordinal);
        var pages = new PageIterator<PhoneNumber>(client.PhoneNumbersUri(account, Fields, GraphClient.MaxPageSize),
            (uri, ct) => client.GetPhoneNumberPageAsync(uri, account, null, ct), n => n.Id, MaxNumbers);
        while (await pages.NextAsync(cancellationToken).ConfigureAwait(false) is { } page)
        {
            foreach (var n in page.Items)
            {
                var digits = WebhookNotification.Digits(n.DisplayPhoneNumber);
                if (digits.Length > 0 && n.Id.Length > 0 && !byDigits.ContainsKey(digits)) byDigits[digits] = n.Id;
            }
        }

        return byDigits;
    }
}
