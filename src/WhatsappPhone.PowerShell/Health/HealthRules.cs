using System;
using System.Collections.Generic;
using System.Linq;
using WhatsappPhone.Models;

namespace WhatsappPhone.Health;

/// <summary>
/// The health check people write by hand: what in a number's state stops or threatens sending,
/// each with the fix Meta documents (or, for health_status errors, Meta's own possible_solution).
/// </summary>
internal static class HealthRules
{
    /// <summary>A messaging limit below this many conversations a day is flagged (TIER_50 and TIER_250).</summary>
    public const int DefaultMinimumDailyLimit = 1000;

    /// <param name="n">The number as read.</param>
    /// <param name="minimumDailyLimit">A messaging limit below this is a warning.</param>
    /// <param name="account">The number's WhatsApp Business Account, read by ID, when known: its review and health are checked too.</param>
    /// <param name="subscriptions">The apps subscribed to the number's account, when checked (-IncludeWebhooks); none is a finding.</param>
    public static PhoneNumberHealth Evaluate(PhoneNumber n, int minimumDailyLimit = DefaultMinimumDailyLimit, BusinessAccount? account = null,
        IReadOnlyCollection<WebhookSubscription>? subscriptions = null)
    {
        var issues = new List<HealthIssue>();
        void Add(HealthSeverity s, string area, string problem, string fix) => issues.Add(new HealthIssue(s, area, problem, fix));

        if (n.Status != "CONNECTED")
            Add(HealthSeverity.Error, "Status", $"The status is {n.Status ?? "unknown"}, so the number cannot send messages.", StatusFix(n.Status));

        if (n.QualityRating == "RED")
        {
            Add(HealthSeverity.Error, "Quality", "The quality rating is RED: the messaging limit may be lowered or sending restricted.",
                "Cut what recipients block or report: send only to people who opted in, review template content and frequency. Quality recovers over about 7 days.");
        }
        else if (n.QualityRating == "YELLOW")
        {
            Add(HealthSeverity.Warning, "Quality", "The quality rating is YELLOW.",
                "Review recent templates and their recipients' opt-in before the rating turns RED.");
        }

        if (n.DailyMessageLimit is int limit && limit < minimumDailyLimit)
        {
            Add(HealthSeverity.Warning, "MessagingLimit", $"The messaging limit is {n.MessagingLimitTier} ({limit} business-initiated conversations a day).",
                "Complete business verification and keep quality high; Meta raises the limit as volume grows.");
        }

        if (n.CodeVerificationStatus == "EXPIRED")
        {
            Add(HealthSeverity.Warning, "CodeVerification", "The code verification has expired: the number cannot be registered again until it is verified.",
                "Request-WaPhoneNumberCode, then Confirm-WaPhoneNumberCode with the code received.");
        }
        else if (n.CodeVerificationStatus != "VERIFIED" && n.AccountMode != "SANDBOX")
        {
            Add(HealthSeverity.Warning, "CodeVerification", $"The number is not verified ({n.CodeVerificationStatus ?? "no verification status"}).",
                "Request-WaPhoneNumberCode, then Confirm-WaPhoneNumberCode with the code received.");
        }

        foreach (var (status, which) in new[] { (n.NameStatus, "display name"), (n.NewNameStatus, "new display name") })
        {
            if (status == "DECLINED")
            {
                Add(which == "display name" ? HealthSeverity.Error : HealthSeverity.Warning, "DisplayName", $"The {which} was declined.",
                    "Submit a display name that follows Meta's display name guidelines, in WhatsApp Manager.");
            }
            else if (status == "PENDING_REVIEW")
            {
                Add(HealthSeverity.Warning, "DisplayName", $"The {which} is waiting for review; registering fails until it is approved (error 2388001).",
                    "Wait for the review, usually 1 to 3 days.");
            }
        }

        if (n.NameChangeAwaitingRegistration)
        {
            Add(HealthSeverity.Warning, "DisplayName",
                $"The display name change to '{n.NewDisplayName}' was approved, and the number is waiting for re-registration: customers see the old name until then.",
                $"Register-WaPhoneNumber -PhoneNumberId {n.Id} -Pin <its two-step PIN>, within 14 days of the approval (a registration before approval has no effect).");
        }

        var errors = n.HealthErrors ?? new List<HealthStatusError>();
        foreach (var e in errors)
        {
            Add(HealthSeverity.Error, $"{e.EntityType} {e.EntityId}".Trim(), $"{e.Description} (health error {e.Code}).",
                string.IsNullOrEmpty(e.PossibleSolution) ? "See the account in WhatsApp Manager." : e.PossibleSolution!);
        }

        if (errors.Count == 0 && n.HealthStatus is "BLOCKED" or "LIMITED")
        {
            Add(n.HealthStatus == "BLOCKED" ? HealthSeverity.Error : HealthSeverity.Warning, "HealthStatus",
                $"Graph reports that the number's ability to send is {n.HealthStatus}.", "See Account quality in WhatsApp Manager.");
        }

        if (account != null) AccountIssues(account, errors, Add);

        var accountId = n.BusinessAccountId ?? account?.Id ?? n.HealthAccountId;
        if (subscriptions is { Count: 0 })
        {
            Add(HealthSeverity.Warning, "Webhooks",
                $"No app is subscribed to WhatsApp Business Account {accountId}: the number receives no webhooks at all (messages, quality, name, account and security events).",
                $"Register-WaWebhookSubscription -BusinessAccountId {accountId}");
        }

        return new PhoneNumberHealth
        {
            PhoneNumberId = n.Id,
            DisplayPhoneNumber = n.DisplayPhoneNumber,
            VerifiedName = n.VerifiedName,
            BusinessAccountId = accountId,
            Issues = issues.ToArray(),
            IssuesText = string.Join("\n", issues.Select(i => i.ToString())),
            Healthy = issues.All(i => i.Severity != HealthSeverity.Error),
        };
    }

    /// <summary>The account's review and health, unless the number's own health_status already names the account's errors.</summary>
    private static void AccountIssues(BusinessAccount account, IReadOnlyList<HealthStatusError> numberErrors, Action<HealthSeverity, string, string, string> add)
    {
        var area = $"WABA {account.Id}";
        if (account.AccountReviewStatus != null && account.AccountReviewStatus != "APPROVED")
        {
            add(HealthSeverity.Error, area,
                $"The number's WhatsApp Business Account is not approved (account review status {account.AccountReviewStatus}), so its numbers cannot send.",
                account.AccountReviewStatus == "PENDING"
                    ? "Wait for Meta's review of the account; check Get-WaBusinessAccount -BusinessAccountId " + account.Id + "."
                    : "See the account in WhatsApp Manager (Account quality) and request a review if you believe it is a mistake.");
        }

        if (numberErrors.Any(e => e.EntityType == "WABA" && e.EntityId == account.Id)) return;
        var accountErrors = account.HealthErrors ?? Array.Empty<HealthStatusError>();
        foreach (var e in accountErrors)
        {
            add(HealthSeverity.Error, $"{e.EntityType} {e.EntityId}".Trim(), $"{e.Description} (account health error {e.Code}).",
                string.IsNullOrEmpty(e.PossibleSolution) ? "See the account in WhatsApp Manager." : e.PossibleSolution!);
        }

        if (accountErrors.Count == 0 && account.HealthStatus is "BLOCKED" or "LIMITED")
        {
            add(account.HealthStatus == "BLOCKED" ? HealthSeverity.Error : HealthSeverity.Warning, area,
                $"The number's WhatsApp Business Account cannot send freely: Graph reports its ability to send as {account.HealthStatus}.",
                "See Account quality in WhatsApp Manager.");
        }
    }

    private static string StatusFix(string? status) => status switch
    {
        "DISCONNECTED" => "Register it with Register-WaPhoneNumber (check Test-WaPhoneNumber's other issues first).",
        "PENDING" or "UNVERIFIED" => "Verify it (Request-WaPhoneNumberCode, Confirm-WaPhoneNumberCode), then Register-WaPhoneNumber.",
        "BANNED" or "RESTRICTED" or "FLAGGED" => "Review Account quality in WhatsApp Manager and request a review if you believe it is a mistake.",
        "RATE_LIMITED" => "Slow down sending; the limit lifts by itself.",
        "MIGRATED" => "The number moved to another account or the On-Premises API: manage it there.",
        "DELETED" => "The number was deleted; add it again in WhatsApp Manager to use it.",
        _ => "Check the number in WhatsApp Manager.",
    };
}
