using System.Globalization;
using System.Text.RegularExpressions;

namespace WhatsappPhone.Api
{
    /// <summary>Turns a messaging limit tier into a number that Where-Object can compare.</summary>
    internal static class MessagingLimits
    {
        /// <summary>What TIER_UNLIMITED gives: the largest value, so "-lt N" filters never match it.</summary>
        public const int Unlimited = int.MaxValue;

        static readonly Regex Tier = new Regex(@"^TIER_(\d+)(K?)$", RegexOptions.CultureInvariant);

        /// <summary>TIER_250 → 250, TIER_2K → 2000, TIER_UNLIMITED → int.MaxValue, anything else → null.</summary>
        public static int? DailyLimit(string? tier)
        {
            if (tier == null) return null;
            if (tier == "TIER_UNLIMITED") return Unlimited;
            var m = Tier.Match(tier);
            if (!m.Success || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
            return m.Groups[2].Value == "K" ? checked(n * 1000) : n;
        }
    }
}
