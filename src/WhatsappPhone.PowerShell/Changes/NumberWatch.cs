using System;
using System.Collections.Generic;
using System.Linq;
using WhatsappPhone.Models;

namespace WhatsappPhone.Changes;

/// <summary>
/// The watch of Watch-WaPhoneNumber, without PowerShell: the last reported state of every number of
/// the watched accounts, and the changes each new reading brings, whether a poll listed a whole
/// account (<see cref="ApplyPoll"/>) or one number was read again (<see cref="ApplyNumber"/>, how a
/// webhook about a number is applied). A change enters the known state only once the caller has
/// written it (<see cref="Reported"/>): a change not written (the watch stopped first) is found
/// again by the next poll, and one written is never written again, whichever reading saw it first.
/// </summary>
internal sealed class NumberWatch
{
    private static readonly string[] LimitProperties = { nameof(PhoneNumber.MessagingLimitTier), nameof(PhoneNumber.DailyMessageLimit) };

    /// <summary>Per account, in the order given: its numbers as last reported, or null before its first listing (the baseline).</summary>
    private readonly Dictionary<string, List<NumberSnapshot>?> _known = new Dictionary<string, List<NumberSnapshot>?>(StringComparer.Ordinal);
    private readonly List<string> _accounts = new List<string>();

    /// <summary>The changes of the latest Apply not yet reported, with what reporting each makes known.</summary>
    private readonly Dictionary<PhoneNumberChange, (string Account, NumberSnapshot? After)> _pending = new Dictionary<PhoneNumberChange, (string, NumberSnapshot?)>();

    /// <summary>A watch with nothing known yet: the first listing of each account is its baseline.</summary>
    public NumberWatch(IEnumerable<string> accounts)
        : this(accounts.Select(a => new KeyValuePair<string, IReadOnlyList<NumberSnapshot>?>(a, null)))
    {
    }

    /// <summary>A watch that goes on from a saved state: per account its numbers, or null when it had no baseline yet.</summary>
    public NumberWatch(IEnumerable<KeyValuePair<string, IReadOnlyList<NumberSnapshot>?>> known)
    {
        foreach (var pair in known)
        {
            if (_known.ContainsKey(pair.Key)) continue;
            _accounts.Add(pair.Key);
            _known[pair.Key] = pair.Value?.ToList();
        }
    }

    /// <summary>The watched accounts, in the order given.</summary>
    public IReadOnlyList<string> Accounts => _accounts;

    /// <summary>What to save: per account its numbers as last reported, or null before its baseline.</summary>
    public IEnumerable<KeyValuePair<string, IReadOnlyList<NumberSnapshot>?>> Known =>
        _accounts.Select(a => new KeyValuePair<string, IReadOnlyList<NumberSnapshot>?>(a, _known[a]?.ToArray()));

    /// <summary>True once a listing of the account was taken: the next one is compared with it.</summary>
    public bool HasBaseline(string account) => _known.TryGetValue(account, out var numbers) && numbers != null;

    /// <summary>
    /// A complete listing of one account (every page: a listing that failed or was cut short must not
    /// come here, or its missing numbers would be Removed). The changes since the last reported
    /// state, with <paramref name="source"/> (Poll, or Webhook when an account event made it read the account), in the order of <see cref="PhoneNumberComparison"/>; none for the
    /// account's first listing, which becomes its baseline. The changes of an earlier Apply not yet
    /// reported are dropped: this reading finds them again.
    /// </summary>
    public IReadOnlyList<PhoneNumberChange> ApplyPoll(string account, IEnumerable<PhoneNumber> listing, ChangeSource source = ChangeSource.Poll)
    {
        if (!_known.TryGetValue(account, out var known))
            throw new ArgumentException($"The account {account} is not watched.", nameof(account));
        _pending.Clear();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // A live listing may repeat a number across pages (the list moved while paging): the first is as recent as the other.
        var current = listing.Select(n => NumberSnapshot.FromPhoneNumber(n, account)).Where(n => seen.Add(n.Id)).ToList();
        if (known == null)
        {
            _known[account] = current;
            return Array.Empty<PhoneNumberChange>();
        }

        var changes = PhoneNumberComparison.Compare(known, current, source).Changes;
        if (changes.Count == 0)
        {
            _known[account] = current;
            return changes;
        }
        var changed = changes.ToLookup(c => c.PhoneNumberId, StringComparer.Ordinal);
        var before = known.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var next = new List<NumberSnapshot>(current.Count);
        foreach (var after in current)
        {
            if (!changed.Contains(after.Id)) next.Add(after);
            else if (before.TryGetValue(after.Id, out var old)) next.Add(Stage(account, old, after, changed[after.Id]));
            else Stage(account, null, after, changed[after.Id]);
        }
        // A removed number stays known until its Removed is reported.
        next.AddRange(known.Where(n => !seen.Contains(n.Id)).Select(n => Stage(account, n, null, changed[n.Id])));
        _known[account] = next;
        return changes;
    }

    /// <summary>
    /// One number read again (GET by ID; how a webhook event about a number is applied): the changes
    /// since its last reported state, with <paramref name="source"/>. A number not known yet is Added
    /// when its account (BusinessAccountId, else the account its health_status names) is watched and
    /// has a baseline; any other number is not this watch's, and has no changes. The other numbers
    /// of its account are left as they are. Changes of an earlier Apply not yet reported are dropped.
    /// </summary>
    public IReadOnlyList<PhoneNumberChange> ApplyNumber(PhoneNumber current, ChangeSource source)
    {
        _pending.Clear();
        var account = _accounts.FirstOrDefault(a => _known[a]?.Any(n => n.Id == current.Id) == true)
            ?? current.BusinessAccountId ?? current.HealthAccountId;
        if (account == null || !_known.TryGetValue(account, out var known) || known == null) return Array.Empty<PhoneNumberChange>();

        var after = NumberSnapshot.FromPhoneNumber(current, account);
        var index = known.FindIndex(n => n.Id == current.Id);
        var before = index < 0 ? Array.Empty<NumberSnapshot>() : new[] { known[index] };
        var changes = PhoneNumberComparison.Compare(before, new[] { after }, source).Changes;
        var staged = Stage(account, index < 0 ? null : known[index], after, changes);
        if (index >= 0) known[index] = staged;
        return changes;
    }

    /// <summary>
    /// The ID of the account's known number whose display number has the same digits (webhooks name a
    /// number by its digits alone, "15550783881" for "+1 555-078-3881"); null when none has.
    /// </summary>
    public string? FindByDigits(string account, string? displayNumber)
    {
        var digits = Digits(displayNumber);
        if (digits.Length == 0 || !_known.TryGetValue(account, out var known) || known == null) return null;
        return known.FirstOrDefault(n => Digits(n[nameof(PhoneNumber.DisplayPhoneNumber)]) == digits)?.Id;
    }

    private static string Digits(string? number) => number == null ? "" : new string(number.Where(c => c >= '0' && c <= '9').ToArray());

    /// <summary>
    /// The change was written: the known state now holds it, and no later reading writes it again.
    /// Only changes of the latest Apply count; any other is ignored.
    /// </summary>
    public void Reported(PhoneNumberChange change)
    {
        if (!_pending.TryGetValue(change, out var pending)) return;
        _pending.Remove(change);
        var known = _known[pending.Account]!;
        var index = known.FindIndex(n => n.Id == change.PhoneNumberId);
        switch (change.Change)
        {
            case PhoneNumberChangeType.Added:
                if (index < 0) known.Add(pending.After!);
                break;
            case PhoneNumberChangeType.Removed:
                if (index >= 0) known.RemoveAt(index);
                break;
            default:
                if (index >= 0) known[index] = known[index].With(pending.After!, Covered(change));
                break;
        }
    }

    /// <summary>
    /// Records the changes of one number as pending, and returns what is known of it meanwhile: the
    /// new reading, except the properties whose change is not reported yet (those keep the old value).
    /// </summary>
    private NumberSnapshot Stage(string account, NumberSnapshot? before, NumberSnapshot? after, IEnumerable<PhoneNumberChange> changes)
    {
        var mine = changes.ToList();
        foreach (var change in mine) _pending[change] = (account, after);
        if (before == null || after == null) return (before ?? after)!;
        return mine.Count == 0 ? after : after.With(before, mine.SelectMany(Covered));
    }

    /// <summary>The properties a change is about: the limit is the tier and the daily number together.</summary>
    private static IEnumerable<string> Covered(PhoneNumberChange change) =>
        change.Change is PhoneNumberChangeType.LimitDown or PhoneNumberChangeType.LimitUp or PhoneNumberChangeType.LimitChanged
            ? LimitProperties
            : new[] { change.Property! };
}
