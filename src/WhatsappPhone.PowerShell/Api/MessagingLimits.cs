using System.Globalization;
using System.Text.RegularExpressions;

namespace WhatsappPhone.Api;

/// <summary>Turns a messaging limit tier into a number that Where-Object can compare.</summary>
internal static class MessagingLimits
{
    /// <summary>What TIER_UNLIMITED gives: the largest value, so "-lt N" filters never match it.</summary>
    public const int Unlimited = int.MaxValue;

    private static readonly Regex Tier = new Regex(@"^TIER_([0-9]{1,9})(K?)$", RegexOptions.CultureInvariant);

    /// <summary>TIER_250 → 250, TIER_2K → 2000, TIER_UNLIMITED → int.MaxValue, anything else (TIER_3000000K included) → null.</summary>
    public static int? DailyLimit(string? tier)
    {
        if (tier == null) return null;
        if (tier == "TIER_UNLIMITED") return Unlimited;
        var m = Tier.Match(tier);
        if (!m.Success || !long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
        var limit = m.Groups[2].Value == "K" ? n * 1000 : n;
        // A tier beyond what a number can hold is not a tier Meta documents: unknown, like any other.
        return limit < Unlimited ? (int)limit : (int?)null;
    }
}
