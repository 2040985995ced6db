using System;
using System.Collections.Generic;
using System.Linq;

namespace WhatsappPhone.Models;

/// <summary>How serious a health issue is.</summary>
public enum HealthSeverity
{
    /// <summary>Worth attention; the number can still send.</summary>
    Warning,
    /// <summary>The number cannot send, or is about to be limited.</summary>
    Error,
}

/// <summary>One problem found by Test-WaPhoneNumber, and what to do about it.</summary>
public sealed class HealthIssue
{
    /// <summary>An issue with its severity, area, problem and fix.</summary>
    public HealthIssue(HealthSeverity severity, string area, string problem, string fix)
    {
        Severity = severity;
        Area = area;
        Problem = problem;
        Fix = fix;
    }

    /// <summary>Error (the number cannot send) or Warning.</summary>
    public HealthSeverity Severity { get; }
    /// <summary>What the issue is about: Status, Quality, MessagingLimit, CodeVerification, DisplayName or a health_status entity.</summary>
    public string Area { get; }
    /// <summary>What is wrong, in a sentence.</summary>
    public string Problem { get; }
    /// <summary>What to do about it.</summary>
    public string Fix { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Severity} {Area}: {Problem} Fix: {Fix}";
}

/// <summary>The health check of one number. Healthy means no issue of severity Error.</summary>
public sealed class PhoneNumberHealth
{
    /// <summary>The phone-number ID checked.</summary>
    public string PhoneNumberId { get; set; } = "";
    /// <summary>The phone number as Meta shows it.</summary>
    public string? DisplayPhoneNumber { get; set; }
    /// <summary>The display name Meta verified.</summary>
    public string? VerifiedName { get; set; }
    /// <summary>True when no issue has severity Error.</summary>
    public bool Healthy { get; set; }
    /// <summary>Every issue found, each with its fix.</summary>
    public HealthIssue[] Issues { get; set; } = Array.Empty<HealthIssue>();
    /// <summary>The issues as one line each, for Export-Csv.</summary>
    public string IssuesText { get; set; } = "";
    /// <summary>The account the number was listed from ($null when checked by ID).</summary>
    public string? BusinessAccountId { get; set; }

    /// <summary>How many issues stop the number from sending.</summary>
    public int ErrorCount => Issues.Count(i => i.Severity == HealthSeverity.Error);
    /// <summary>How many issues are worth attention.</summary>
    public int WarningCount => Issues.Count(i => i.Severity == HealthSeverity.Warning);
    /// <summary>The first issue as "Area: Problem", for the table; empty when healthy.</summary>
    public string FirstIssue => Issues.Length == 0 ? "" : $"{Issues[0].Area}: {Issues[0].Problem}";

    /// <inheritdoc/>
    public override string ToString() => PhoneNumberId;
}
