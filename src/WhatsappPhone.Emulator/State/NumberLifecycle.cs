using System.Globalization;
using System.Security.Cryptography;
using WhatsappPhone.Emulator.Graph;

namespace WhatsappPhone.Emulator.State;

/// <summary>
/// Meta's registration state machine for a number. Parameters are already validated; each method
/// returns the Graph error Meta would give, or null after applying the change.
/// </summary>
public static class NumberLifecycle
{
    public const int AttemptLimit = 10;
    public static readonly TimeSpan AttemptWindow = TimeSpan.FromHours(72);

    /// <summary>Counts a register or deregister attempt (each has its own list) in the moving window.</summary>
    public static GraphError? CountAttempt(List<DateTimeOffset> attempts, DateTimeOffset now)
    {
        attempts.RemoveAll(t => now - t >= AttemptWindow);
        attempts.Add(now);
        return attempts.Count > AttemptLimit
            ? GraphErrors.WhatsApp(133016, "Account register deregister rate limit exceeded",
                $"This phone number has had more than {AttemptLimit} register or deregister requests in 72 hours. Try again later.")
            : null;
    }

    public static GraphError? Register(PhoneNumber number, string pin, string? region, DateTimeOffset now)
    {
        // Meta's test numbers (SANDBOX) come pre-verified; the recorded registration of one relies on it.
        if (number.AccountMode != "SANDBOX" && number.VerificationStatusAt(now) != "VERIFIED")
        {
            return GraphErrors.WhatsApp(133006, "Phone number re-verification needed",
                "Verify the phone number (request_code, then verify_code) before registering it.");
        }
        if (number.NameStatus == "PENDING_REVIEW")
        {
            return GraphErrors.DisplayNameNotApproved();
        }
        if (number.Pin is not null && number.Pin != pin)
        {
            return GraphErrors.WhatsApp(133005, "Two step verification PIN Mismatch",
                "The PIN does not match the two-step verification PIN of this phone number.");
        }
        // The first registration of a number without a PIN sets it.
        number.Pin ??= pin;
        number.Status = "CONNECTED";
        number.PlatformType = "CLOUD_API";
        // Without the (v20) parameter, local storage set through settings (v21+) stays as it is.
        number.DataLocalizationRegion = region ?? number.DataLocalizationRegion;
        number.LastOnboardedTime ??= now.ToString("yyyy-MM-dd'T'HH:mm:ss'+0000'", CultureInfo.InvariantCulture);
        return null;
    }

    public static GraphError? Deregister(PhoneNumber number)
    {
        if (!number.IsRegistered)
        {
            return GraphErrors.WhatsApp(133010, "Account not registered",
                "This phone number is not registered on the Cloud API. Register it first.");
        }
        number.Status = "DISCONNECTED";
        number.PlatformType = "NOT_APPLICABLE";
        number.DataLocalizationRegion = null;
        return null;
    }

    /// <summary>Stands in for the SMS or call: the code is only readable through the control API.</summary>
    public static void RequestCode(PhoneNumber number) =>
        number.LastCode = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    public static GraphError? VerifyCode(PhoneNumber number, string code, DateTimeOffset now)
    {
        if (number.LastCode is null || number.LastCode != code)
        {
            return GraphErrors.WhatsApp(136025, "Verify code error",
                "The verification code does not match the last code sent to this phone number.");
        }
        number.CodeVerificationStatus = "VERIFIED";
        number.VerifiedAt = now;
        return null;
    }

    public static void SetPin(PhoneNumber number, string pin) => number.Pin = pin;
}
