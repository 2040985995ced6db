namespace WhatsappPhone.Models
{
    /// <summary>What changed about a number between two snapshots (Compare-WaPhoneNumber).</summary>
    public enum PhoneNumberChangeType
    {
        /// <summary>The number is only in the current snapshot.</summary>
        Added,
        /// <summary>The number is only in the reference snapshot.</summary>
        Removed,
        StatusChanged,
        /// <summary>QualityRating went GREEN → YELLOW → RED.</summary>
        QualityDown,
        QualityUp,
        /// <summary>QualityRating changed to or from a value with no rank (UNKNOWN, NA, empty).</summary>
        QualityChanged,
        /// <summary>Fewer conversations a day (DailyMessageLimit, or the tier's number).</summary>
        LimitDown,
        LimitUp,
        /// <summary>The tier changed to or from one whose number is unknown.</summary>
        LimitChanged,
        /// <summary>HealthStatus (health_status.can_send_message) changed.</summary>
        HealthChanged,
        /// <summary>NameStatus or NewNameStatus changed: a display-name review moved on.</summary>
        NameStatusChanged,
        VerifiedNameChanged,
        /// <summary>CodeVerificationStatus changed, such as VERIFIED → EXPIRED.</summary>
        VerificationChanged,
        ThroughputChanged,
        /// <summary>DisplayPhoneNumber, PlatformType, AccountMode, IsOfficialBusinessAccount or IsPinEnabled changed.</summary>
        PropertyChanged,
    }

    /// <summary>How much a change matters; ordered, so Where-Object Severity -ge Warning works.</summary>
    public enum ChangeSeverity
    {
        Information,
        Warning,
        Error,
    }

    /// <summary>
    /// One change of one number between two snapshots. Values are text as Export-Csv writes them
    /// ("True", "250"), so a change reads the same whether the snapshots were objects, Clixml or CSV.
    /// </summary>
    public sealed class PhoneNumberChange
    {
        public string PhoneNumberId { get; set; } = "";
        /// <summary>From the current snapshot, else the reference one.</summary>
        public string? DisplayPhoneNumber { get; set; }
        /// <summary>From the current snapshot, else the reference one ($null when neither has it).</summary>
        public string? BusinessAccountId { get; set; }
        /// <summary>The PhoneNumber property that changed; $null for Added and Removed.</summary>
        public string? Property { get; set; }
        public string? OldValue { get; set; }
        public string? NewValue { get; set; }
        public PhoneNumberChangeType Change { get; set; }
        public ChangeSeverity Severity { get; set; }

        public override string ToString() =>
            Property == null
                ? $"{Severity} {Change}: {DisplayPhoneNumber} ({PhoneNumberId})"
                : $"{Severity} {Change}: {DisplayPhoneNumber} ({PhoneNumberId}) {Property} {OldValue} -> {NewValue}";
    }
}
