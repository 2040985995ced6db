using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Api.Pipeline;
using WhatsappPhone.Connection;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// The listings completion reads: the numbers of an account, fetched once and kept for a minute
/// per connection (base URI, API version, a keyed hash of the token: never the token itself),
/// within 3 seconds in all, with no retry. Completion never prompts, throws or writes an error:
/// not connected, too slow or failed, it offers nothing.
/// </summary>
internal static class CompletionListings
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);
    private const int MaxNumbers = 1000;
    private static readonly string[] Fields = { "id", "display_phone_number", "verified_name", "status" };
    private static readonly RetryOptions NoRetries = new RetryOptions(0, TimeSpan.Zero);
    private static readonly byte[] TokenKey = NewTokenKey();
    private static readonly ConcurrentDictionary<(string Scope, string Account), (DateTime Expires, IReadOnlyList<PhoneNumber> Numbers)> Cache =
        new ConcurrentDictionary<(string, string), (DateTime, IReadOnlyList<PhoneNumber>)>();

    public static string Unquote(string? word) => (word ?? "").Trim('\'', '"', '\u2018', '\u2019', '\u201C', '\u201D');

    public static IReadOnlyList<PhoneNumber> Numbers(IDictionary? fakeBoundParameters)
    {
        try
        {
            var context = ContextOf(fakeBoundParameters);
            var settings = ConnectionResolver.Resolve(context);
            var account = ConnectionResolver.ResolveBusinessAccountId(context);
            var key = (Scope(settings), account);
            if (Cache.TryGetValue(key, out var cached) && cached.Expires > DateTime.UtcNow) return cached.Numbers;

            // Not disposed here: a listing given up on may still be unwinding; the budget's timer cancels it.
            var cancel = new CancellationTokenSource(Budget);
            var client = new GraphClient(new GraphSettings(settings.AccessToken, settings.ApiVersion, settings.BaseUri, Budget, NoRetries, settings.Proxy));
            var listing = ListAsync(client, account, cancel.Token);
            listing.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            try
            {
                if (!listing.Wait(Budget)) return Array.Empty<PhoneNumber>();
            }
            catch (AggregateException)
            {
                return Array.Empty<PhoneNumber>();
            }
            foreach (var stale in Cache.Where(e => e.Value.Expires <= DateTime.UtcNow).ToList()) Cache.TryRemove(stale.Key, out _);
            Cache[key] = (DateTime.UtcNow + Lifetime, listing.Result);
            return listing.Result;
        }
        catch (Exception)
        {
            return Array.Empty<PhoneNumber>();
        }
    }

    public static IReadOnlyList<(string Id, string Source)> Accounts(IDictionary? fakeBoundParameters)
    {
        var accounts = new List<(string, string)>();
        try
        {
            var context = ContextOf(fakeBoundParameters);
            var scope = Scope(ConnectionResolver.Resolve(context));
            try
            {
                accounts.Add((ConnectionResolver.ResolveBusinessAccountId(context), "the connected account"));
            }
            catch (WaConnectionException)
            {
                // No account configured: only the listed ones are known.
            }
            foreach (var entry in Cache)
            {
                if (entry.Key.Scope == scope && entry.Value.Expires > DateTime.UtcNow && !accounts.Any(a => a.Item1 == entry.Key.Account))
                    accounts.Add((entry.Key.Account, "listed in this session"));
            }
        }
        catch (Exception)
        {
            // Not connected, or a bad setting: nothing to offer.
        }
        return accounts;
    }

    private static async Task<IReadOnlyList<PhoneNumber>> ListAsync(GraphClient client, string account, CancellationToken cancellationToken)
    {
        var numbers = new List<PhoneNumber>();
        var pages = new PageIterator<PhoneNumber>(client.PhoneNumbersUri(account, Fields, GraphClient.MaxPageSize),
            (uri, ct) => client.GetPhoneNumberPageAsync(uri, account, null, ct), n => n.Id, MaxNumbers);
        while (await pages.NextAsync(cancellationToken).ConfigureAwait(false) is { } page) numbers.AddRange(page.Items);
        return numbers;
    }

    /// <summary>A -Context already on the command line (a variable PowerShell could evaluate), else the runspace's connection.</summary>
    private static WaContext? ContextOf(IDictionary? fakeBoundParameters)
    {
        var value = fakeBoundParameters?["Context"];
        return (value is PSObject pso ? pso.BaseObject : value) as WaContext;
    }

    /// <summary>Where and as whom: a token hashed with a key made for this process, so the cache holds nothing that reveals it.</summary>
    private static string Scope(GraphSettings settings)
    {
        var hash = "";
        Secrets.WithRevealed(settings.AccessToken, token =>
        {
            using var hmac = new HMACSHA256(TokenKey);
            hash = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(token)));
        });
        return $"{settings.BaseUri.AbsoluteUri} {settings.ApiVersion} {hash}";
    }

    private static byte[] NewTokenKey()
    {
        var key = new byte[32];
        using var random = RandomNumberGenerator.Create();
        random.GetBytes(key);
        return key;
    }
}
