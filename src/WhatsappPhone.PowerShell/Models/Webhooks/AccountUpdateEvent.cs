using System;
using System.Collections.Generic;

namespace WhatsappPhone.Models.Webhooks;

/// <summary>account_update: a violation, ban, restriction or other change of the WhatsApp Business Account.</summary>
public sealed class AccountUpdateEvent : WebhookEvent
{
    /// <summary>violation_info.violation_type (ACCOUNT_VIOLATION), such as ADULT.</summary>
    public string? ViolationType { get; internal set; }
    /// <summary>ban_info.waba_ban_state (DISABLED_UPDATE): DISABLE, REINSTATE or SCHEDULE_FOR_DISABLE.</summary>
    public string? BanState { get; internal set; }
    /// <summary>ban_info.waba_ban_date as Meta writes it, such as "April 17, 2025".</summary>
    public string? BanDate { get; internal set; }
    /// <summary>restriction_info (ACCOUNT_RESTRICTION): each restriction and when it ends; empty when none.</summary>
    public IReadOnlyList<AccountRestriction> Restrictions { get; internal set; } = Array.Empty<AccountRestriction>();
    /// <summary>The restrictions, one per line ("TYPE until time"), for Export-Csv and tables.</summary>
    public string RestrictionsText => string.Join(Environment.NewLine, Restrictions);
}

/// <summary>One item of an account_update's restriction_info.</summary>
public sealed class AccountRestriction
{
    /// <summary>Such as RESTRICTED_BIZ_INITIATED_MESSAGING.</summary>
    public string? RestrictionType { get; internal set; }
    /// <summary>expiration (Unix seconds in the payload); $null when not given.</summary>
    public DateTimeOffset? Expiration { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() =>
        Expiration is { } until ? $"{RestrictionType} until {until.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z" : RestrictionType ?? "";
}
