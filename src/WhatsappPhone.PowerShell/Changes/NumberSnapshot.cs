using System;
using System.Collections.Generic;
using System.Globalization;
using WhatsappPhone.Models;

namespace WhatsappPhone.Changes;

/// <summary>
/// One number of a snapshot as text, whatever the snapshot was kept as: a PhoneNumber, its
/// Import-Clixml copy or an Import-Csv row. A property the snapshot did not keep (a narrower
/// Select-Object) is absent, which is not the same as kept and empty.
/// </summary>
internal sealed class NumberSnapshot
{
    /// <summary>The PhoneNumber properties a snapshot is read for, besides Id.</summary>
    public static readonly string[] Properties =
    {
        nameof(PhoneNumber.DisplayPhoneNumber), nameof(PhoneNumber.VerifiedName), nameof(PhoneNumber.Status),
        nameof(PhoneNumber.QualityRating), nameof(PhoneNumber.MessagingLimitTier), nameof(PhoneNumber.DailyMessageLimit),
        nameof(PhoneNumber.CodeVerificationStatus), nameof(PhoneNumber.NameStatus), nameof(PhoneNumber.NewNameStatus),
        nameof(PhoneNumber.PlatformType), nameof(PhoneNumber.ThroughputLevel), nameof(PhoneNumber.AccountMode),
        nameof(PhoneNumber.IsOfficialBusinessAccount), nameof(PhoneNumber.IsPinEnabled), nameof(PhoneNumber.HealthStatus),
        nameof(PhoneNumber.BusinessAccountId),
    };

    private readonly IReadOnlyDictionary<string, string?> _values;

    /// <param name="id">The phone-number ID.</param>
    /// <param name="values">Property name (any case) to its text; see <see cref="Text"/>.</param>
    public NumberSnapshot(string id, IReadOnlyDictionary<string, string?> values)
    {
        Id = id;
        _values = values;
    }

    public string Id { get; }

    /// <summary>False when the snapshot did not keep the property at all.</summary>
    public bool TryGet(string property, out string? value) => _values.TryGetValue(property, out value);

    public string? this[string property] => _values.TryGetValue(property, out var value) ? value : null;

    /// <summary>Every property the snapshot kept, with its text.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Values => _values;

    /// <summary>A copy with <paramref name="properties"/> as <paramref name="source"/> has them (kept or not).</summary>
    public NumberSnapshot With(NumberSnapshot source, IEnumerable<string> properties)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in _values) values[pair.Key] = pair.Value;
        foreach (var property in properties)
        {
            if (source.TryGet(property, out var value)) values[property] = value;
            else values.Remove(property);
        }
        return new NumberSnapshot(Id, values);
    }

    /// <param name="n">The number.</param>
    /// <param name="businessAccountId">The account to record when the number has none (a number read by ID); else its own.</param>
    public static NumberSnapshot FromPhoneNumber(PhoneNumber n, string? businessAccountId = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [nameof(n.DisplayPhoneNumber)] = Text(n.DisplayPhoneNumber),
            [nameof(n.VerifiedName)] = Text(n.VerifiedName),
            [nameof(n.Status)] = Text(n.Status),
            [nameof(n.QualityRating)] = Text(n.QualityRating),
            [nameof(n.MessagingLimitTier)] = Text(n.MessagingLimitTier),
            [nameof(n.DailyMessageLimit)] = Text(n.DailyMessageLimit),
            [nameof(n.CodeVerificationStatus)] = Text(n.CodeVerificationStatus),
            [nameof(n.NameStatus)] = Text(n.NameStatus),
            [nameof(n.NewNameStatus)] = Text(n.NewNameStatus),
            [nameof(n.PlatformType)] = Text(n.PlatformType),
            [nameof(n.ThroughputLevel)] = Text(n.ThroughputLevel),
            [nameof(n.AccountMode)] = Text(n.AccountMode),
            [nameof(n.IsOfficialBusinessAccount)] = Text(n.IsOfficialBusinessAccount),
            [nameof(n.IsPinEnabled)] = Text(n.IsPinEnabled),
            [nameof(n.HealthStatus)] = Text(n.HealthStatus),
            [nameof(n.BusinessAccountId)] = Text(n.BusinessAccountId ?? businessAccountId),
        };
        return new NumberSnapshot(n.Id, values);
    }

    /// <summary>
    /// A value as Export-Csv writes it: invariant numbers, True/False; $null and the empty cell
    /// Export-Csv writes for it are both null.
    /// </summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() is { Length: > 0 } s ? s : null,
    };
}
