using System;
using System.Collections.Generic;

namespace WhatsappPhone.Models
{
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
        public HealthIssue(HealthSeverity severity, string area, string problem, string fix)
        {
            Severity = severity;
            Area = area;
            Problem = problem;
            Fix = fix;
        }

        public HealthSeverity Severity { get; }
        /// <summary>What the issue is about: Status, Quality, MessagingLimit, CodeVerification, DisplayName or a health_status entity.</summary>
        public string Area { get; }
        public string Problem { get; }
        public string Fix { get; }

        public override string ToString() => $"{Severity} {Area}: {Problem} Fix: {Fix}";
    }

    /// <summary>The health check of one number. Healthy means no issue of severity Error.</summary>
    public sealed class PhoneNumberHealth
    {
        public string PhoneNumberId { get; set; } = "";
        public string? DisplayPhoneNumber { get; set; }
        public string? VerifiedName { get; set; }
        public bool Healthy { get; set; }
        public HealthIssue[] Issues { get; set; } = Array.Empty<HealthIssue>();
        /// <summary>The issues as one line each, for Export-Csv.</summary>
        public string IssuesText { get; set; } = "";
        public string? BusinessAccountId { get; set; }

        public override string ToString() => PhoneNumberId;
    }
}
