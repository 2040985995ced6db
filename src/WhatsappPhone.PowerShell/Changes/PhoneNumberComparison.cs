using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Changes;

/// <summary>An ID that a snapshot holds more than once: which of its entries is the number's state is unknowable.</summary>
internal sealed class DuplicateId
{
    public DuplicateId(string id, bool inReference, int count)
    {
        Id = id;
        InReference = inReference;
        Count = count;
    }

    public string Id { get; }
    /// <summary>True for the reference snapshot, false for the current one.</summary>
    public bool InReference { get; }
    public int Count { get; }
}

internal sealed class ComparisonResult
{
    public ComparisonResult(IReadOnlyList<PhoneNumberChange> changes, IReadOnlyList<DuplicateId> duplicates)
    {
        Changes = changes;
        Duplicates = duplicates;
    }

    /// <summary>In reference order (each number's changes in a fixed property order), then the added numbers in current order.</summary>
    public IReadOnlyList<PhoneNumberChange> Changes { get; }
    /// <summary>IDs duplicated in either snapshot; no change is reported for them.</summary>
    public IReadOnlyList<DuplicateId> Duplicates { get; }
}

/// <summary>
/// The changes between two snapshots of numbers, matched by ID, and how much each matters.
/// A property is compared only when both snapshots kept it, so a narrower CSV is no change.
/// </summary>
internal static class PhoneNumberComparison
{
    private static readonly string[] BadStatuses = { "BANNED", "RESTRICTED", "FLAGGED", "DELETED" };

    /// <summary>Compared as plain values, in this order, after status, quality and limit.</summary>
    private static readonly (string Property, PhoneNumberChangeType Change, Func<string?, ChangeSeverity> Severity)[] Plain =
    {
        (nameof(PhoneNumber.HealthStatus), PhoneNumberChangeType.HealthChanged, v =>
            v == "BLOCKED" ? ChangeSeverity.Error : v == "LIMITED" ? ChangeSeverity.Warning : ChangeSeverity.Information),
        (nameof(PhoneNumber.NameStatus), PhoneNumberChangeType.NameStatusChanged, v => v == "DECLINED" ? ChangeSeverity.Error : ChangeSeverity.Information),
        (nameof(PhoneNumber.NewNameStatus), PhoneNumberChangeType.NameStatusChanged, v => v == "DECLINED" ? ChangeSeverity.Warning : ChangeSeverity.Information),
        (nameof(PhoneNumber.VerifiedName), PhoneNumberChangeType.VerifiedNameChanged, _ => ChangeSeverity.Warning),
        (nameof(PhoneNumber.CodeVerificationStatus), PhoneNumberChangeType.VerificationChanged, v => v == "EXPIRED" ? ChangeSeverity.Warning : ChangeSeverity.Information),
        (nameof(PhoneNumber.ThroughputLevel), PhoneNumberChangeType.ThroughputChanged, _ => ChangeSeverity.Information),
        (nameof(PhoneNumber.DisplayPhoneNumber), PhoneNumberChangeType.PropertyChanged, _ => ChangeSeverity.Information),
        (nameof(PhoneNumber.PlatformType), PhoneNumberChangeType.PropertyChanged, _ => ChangeSeverity.Information),
        (nameof(PhoneNumber.AccountMode), PhoneNumberChangeType.PropertyChanged, _ => ChangeSeverity.Information),
        (nameof(PhoneNumber.IsOfficialBusinessAccount), PhoneNumberChangeType.PropertyChanged, _ => ChangeSeverity.Information),
        (nameof(PhoneNumber.IsPinEnabled), PhoneNumberChangeType.PropertyChanged, _ => ChangeSeverity.Information),
    };

    /// <param name="reference">The earlier snapshot.</param>
    /// <param name="current">The later snapshot.</param>
    /// <param name="source">Where the current snapshot comes from: every change carries it.</param>
    public static ComparisonResult Compare(IEnumerable<NumberSnapshot> reference, IEnumerable<NumberSnapshot> current, ChangeSource source = ChangeSource.Snapshot)
    {
        var (old, oldOrder, oldDuplicates) = Index(reference, inReference: true);
        var (now, nowOrder, nowDuplicates) = Index(current, inReference: false);
        var duplicates = oldDuplicates.Concat(nowDuplicates).ToList();
        var skipped = new HashSet<string>(duplicates.Select(d => d.Id), StringComparer.Ordinal);

        var changes = new List<PhoneNumberChange>();
        foreach (var id in oldOrder.Where(id => !skipped.Contains(id)))
        {
            if (now.TryGetValue(id, out var after)) Diff(old[id], after, changes, source);
            else changes.Add(Change(old[id], null, null, null, null, PhoneNumberChangeType.Removed, ChangeSeverity.Error, source));
        }
        foreach (var id in nowOrder.Where(id => !skipped.Contains(id) && !old.ContainsKey(id)))
            changes.Add(Change(null, now[id], null, null, null, PhoneNumberChangeType.Added, ChangeSeverity.Information, source));
        return new ComparisonResult(changes, duplicates);
    }

    private static (Dictionary<string, NumberSnapshot>, List<string>, List<DuplicateId>) Index(IEnumerable<NumberSnapshot> numbers, bool inReference)
    {
        var byId = new Dictionary<string, NumberSnapshot>(StringComparer.Ordinal);
        var order = new List<string>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in numbers)
        {
            if (counts.TryGetValue(n.Id, out var count))
            {
                counts[n.Id] = count + 1;
                continue;
            }
            counts[n.Id] = 1;
            byId[n.Id] = n;
            order.Add(n.Id);
        }
        var duplicates = order.Where(id => counts[id] > 1).Select(id => new DuplicateId(id, inReference, counts[id])).ToList();
        return (byId, order, duplicates);
    }

    private static void Diff(NumberSnapshot before, NumberSnapshot after, List<PhoneNumberChange> changes, ChangeSource source)
    {
        void Add(string property, string? o, string? n, PhoneNumberChangeType change, ChangeSeverity severity) =>
            changes.Add(Change(before, after, property, o, n, change, severity, source));

        if (Changed(before, after, nameof(PhoneNumber.Status), out var oldStatus, out var newStatus))
        {
            var worse = (oldStatus == "CONNECTED" && newStatus != "CONNECTED") || BadStatuses.Contains(newStatus);
            Add(nameof(PhoneNumber.Status), oldStatus, newStatus, PhoneNumberChangeType.StatusChanged, worse ? ChangeSeverity.Error : ChangeSeverity.Information);
        }

        if (Changed(before, after, nameof(PhoneNumber.QualityRating), out var oldQuality, out var newQuality))
        {
            var (o, n) = (QualityRank(oldQuality), QualityRank(newQuality));
            var change = o == null || n == null ? PhoneNumberChangeType.QualityChanged
                : n < o ? PhoneNumberChangeType.QualityDown : PhoneNumberChangeType.QualityUp;
            var severity = newQuality == "RED" ? ChangeSeverity.Error
                : change == PhoneNumberChangeType.QualityDown ? ChangeSeverity.Warning : ChangeSeverity.Information;
            Add(nameof(PhoneNumber.QualityRating), oldQuality, newQuality, change, severity);
        }

        CompareLimit(before, after, Add);

        foreach (var (property, change, severity) in Plain)
        {
            if (Changed(before, after, property, out var o, out var n))
                Add(property, o, n, change, severity(n));
        }
    }

    /// <summary>
    /// One change for the limit. Shown as the tier when both snapshots kept it (what WhatsApp
    /// Manager shows), else as DailyMessageLimit; ordered by the number of conversations, from
    /// DailyMessageLimit or else the tier.
    /// </summary>
    private static void CompareLimit(NumberSnapshot before, NumberSnapshot after, Action<string, string?, string?, PhoneNumberChangeType, ChangeSeverity> add)
    {
        var property = Kept(before, after, nameof(PhoneNumber.MessagingLimitTier)) ? nameof(PhoneNumber.MessagingLimitTier)
            : Kept(before, after, nameof(PhoneNumber.DailyMessageLimit)) ? nameof(PhoneNumber.DailyMessageLimit)
            : null;
        if (property == null) return;
        var (o, n) = (before[property], after[property]);
        var (oldLimit, newLimit) = (DailyLimit(before), DailyLimit(after));
        if (oldLimit is int from && newLimit is int to)
        {
            if (from != to)
            {
                add(property, o, n, to < from ? PhoneNumberChangeType.LimitDown : PhoneNumberChangeType.LimitUp,
                to < from ? ChangeSeverity.Warning : ChangeSeverity.Information);
            }
        }
        else if (!Same(o, n))
        {
            add(property, o, n, PhoneNumberChangeType.LimitChanged, ChangeSeverity.Information);
        }
    }

    private static int? DailyLimit(NumberSnapshot n) =>
        int.TryParse(n[nameof(PhoneNumber.DailyMessageLimit)], NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            ? limit
            : MessagingLimits.DailyLimit(n[nameof(PhoneNumber.MessagingLimitTier)]);

    private static int? QualityRank(string? quality) => quality switch
    {
        "GREEN" => 3,
        "YELLOW" => 2,
        "RED" => 1,
        _ => null,
    };

    private static bool Kept(NumberSnapshot before, NumberSnapshot after, string property) =>
        before.TryGet(property, out _) && after.TryGet(property, out _);

    private static bool Changed(NumberSnapshot before, NumberSnapshot after, string property, out string? o, out string? n)
    {
        n = null;
        return before.TryGet(property, out o) && after.TryGet(property, out n) && !Same(o, n);
    }

    /// <summary>Ordinal, except that booleans compare as booleans ("True" from CSV, "true" from JSON).</summary>
    private static bool Same(string? a, string? b) =>
        string.Equals(a, b, StringComparison.Ordinal)
        || (bool.TryParse(a, out var x) && bool.TryParse(b, out var y) && x == y);

    private static PhoneNumberChange Change(NumberSnapshot? before, NumberSnapshot? after, string? property, string? o, string? n,
        PhoneNumberChangeType change, ChangeSeverity severity, ChangeSource source)
    {
        string? Latest(string p) => after?[p] ?? before?[p];
        return new PhoneNumberChange
        {
            PhoneNumberId = (after ?? before)!.Id,
            DisplayPhoneNumber = Latest(nameof(PhoneNumber.DisplayPhoneNumber)),
            BusinessAccountId = Latest(nameof(PhoneNumber.BusinessAccountId)),
            Property = property,
            OldValue = o,
            NewValue = n,
            Change = change,
            Severity = severity,
            Source = source,
        };
    }
}
