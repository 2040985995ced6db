using System;
using WhatsappPhone.Health;
using WhatsappPhone.Models;
using Xunit;

namespace WhatsappPhone.Tests.Health;

/// <summary>The webhook finding of Test-WaPhoneNumber -IncludeWebhooks.</summary>
public class HealthRulesTests
{
    private const string Waba = "104996122399160";
    private const string Number = "106540352242922";

    [Fact]
    public void An_account_without_a_subscribed_app_is_a_health_warning_naming_the_fix_and_unchecked_accounts_are_not()
    {
        var number = new PhoneNumber { Id = Number, BusinessAccountId = Waba, Status = "CONNECTED", QualityRating = "GREEN", CodeVerificationStatus = "VERIFIED", DailyMessageLimit = 100000 };

        var unsubscribed = HealthRules.Evaluate(number, subscriptions: Array.Empty<WebhookSubscription>());
        var subscribed = HealthRules.Evaluate(number, subscriptions: new[] { new WebhookSubscription { BusinessAccountId = Waba } });
        var unchecked_ = HealthRules.Evaluate(number);

        var issue = Assert.Single(unsubscribed.Issues, i => i.Area == "Webhooks");
        Assert.Equal(HealthSeverity.Warning, issue.Severity);
        Assert.Equal($"Register-WaWebhookSubscription -BusinessAccountId {Waba}", issue.Fix);
        Assert.True(unsubscribed.Healthy);
        Assert.DoesNotContain(subscribed.Issues, i => i.Area == "Webhooks");
        Assert.DoesNotContain(unchecked_.Issues, i => i.Area == "Webhooks");
    }
}
