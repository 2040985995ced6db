using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Binds what users pipe as phone-number IDs the way they mean it: an ID that arrives as a number
/// (ConvertFrom-Json gives Int64, a spreadsheet a double) becomes its digits. A WhatsApp Business
/// Account (an object from Get-WaBusinessAccount, or a CSV row of one) is refused here, before any
/// request: its Id would otherwise be read as a phone number (GET /{waba-id}).
/// </summary>
public sealed class PhoneNumberIdTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>Properties only an account has; a row with one of them and no phone-number property is an account.</summary>
    private static readonly string[] AccountOnly = { "MessageTemplateNamespace", "Ownership", "Currency", "TimezoneId", "AccountReviewStatus", "BusinessVerificationStatus" };
    private static readonly string[] NumberOnly = { "DisplayPhoneNumber", "VerifiedName", "QualityRating", "CodeVerificationStatus" };

    /// <summary>
    /// Set where the cmdlet has a parameter of its own for BusinessAccount objects (Get-WaPhoneNumber
    /// lists their numbers): they are let through to it. A refusal here would end their binding.
    /// </summary>
    public bool AccountObjectsBindElsewhere { get; set; }

    /// <inheritdoc/>
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        if (value is string || value == null) return inputData;
        if (value is IList list && !(value is Array { Rank: > 1 })) return list.Cast<object?>().Select(e => Transform(engineIntrinsics, e)).ToArray();
        if (Digits(value) is string digits) return digits;
        if (!(AccountObjectsBindElsewhere && value is BusinessAccount)) RefuseAccount(inputData as PSObject ?? PSObject.AsPSObject(value));
        return inputData;
    }

    /// <summary>A whole, non-negative number as its ASCII digits; null for anything else.</summary>
    private static string? Digits(object value) => value switch
    {
        int or long or short or byte or uint or ulong or ushort when Convert.ToDecimal(value, CultureInfo.InvariantCulture) >= 0
            => Convert.ToString(value, CultureInfo.InvariantCulture),
        decimal d when d >= 0 && d == decimal.Truncate(d) => d.ToString("0", CultureInfo.InvariantCulture),
        // A double holds every integer up to 2^53 exactly: longer IDs from a spreadsheet have lost digits already.
        double f when f >= 0 && f <= 9007199254740992d && f == Math.Floor(f) => ((long)f).ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    private static void RefuseAccount(PSObject item)
    {
        var names = new HashSet<string>(item.Properties.Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
        var isAccount = item.BaseObject is BusinessAccount
            || (AccountOnly.Any(names.Contains) && !NumberOnly.Any(names.Contains));
        if (!isAccount) return;
        var id = item.Properties["Id"]?.Value;
        throw new ArgumentTransformationMetadataException(
            $"A WhatsApp Business Account{(id != null ? $" ({id})" : "")} was given where a phone number is needed. " +
            "To work on its numbers, list them first: Get-WaPhoneNumber -BusinessAccountId <id> (or pipe Get-WaBusinessAccount into Get-WaPhoneNumber), then pipe those numbers on.");
    }
}
