namespace WhatsappPhone.Models;

/// <summary>What changed about a number between two snapshots (Compare-WaPhoneNumber) or two states (Watch-WaPhoneNumber).</summary>
public enum PhoneNumberChangeType
{
    /// <summary>The number is only in the current snapshot.</summary>
    Added,
    /// <summary>The number is only in the reference snapshot.</summary>
    Removed,
    /// <summary>Status changed, such as CONNECTED → DISCONNECTED.</summary>
    StatusChanged,
    /// <summary>QualityRating went GREEN → YELLOW → RED.</summary>
    QualityDown,
    /// <summary>QualityRating went RED → YELLOW → GREEN.</summary>
    QualityUp,
    /// <summary>QualityRating changed to or from a value with no rank (UNKNOWN, NA, empty).</summary>
    QualityChanged,
    /// <summary>Fewer conversations a day (DailyMessageLimit, or the tier's number).</summary>
    LimitDown,
    /// <summary>More conversations a day (DailyMessageLimit, or the tier's number).</summary>
    LimitUp,
    /// <summary>The tier changed to or from one whose number is unknown.</summary>
    LimitChanged,
    /// <summary>HealthStatus (health_status.can_send_message) changed.</summary>
    HealthChanged,
    /// <summary>NameStatus or NewNameStatus changed: a display-name review moved on.</summary>
    NameStatusChanged,
    /// <summary>VerifiedName changed: a new display name shows.</summary>
    VerifiedNameChanged,
    /// <summary>CodeVerificationStatus changed, such as VERIFIED → EXPIRED.</summary>
    VerificationChanged,
    /// <summary>ThroughputLevel changed.</summary>
    ThroughputChanged,
    /// <summary>DisplayPhoneNumber, PlatformType, AccountMode, IsOfficialBusinessAccount or IsPinEnabled changed.</summary>
    PropertyChanged,
}

/// <summary>How much a change matters; ordered, so Where-Object Severity -ge Warning works.</summary>
public enum ChangeSeverity
{
    /// <summary>Worth knowing.</summary>
    Information,
    /// <summary>Worth attention: the number may soon send less.</summary>
    Warning,
    /// <summary>The number sends less, or cannot send.</summary>
    Error,
}

/// <summary>Where a change was seen.</summary>
public enum ChangeSource
{
    /// <summary>Between two snapshots the user kept (Compare-WaPhoneNumber).</summary>
    Snapshot,
    /// <summary>By a poll of Watch-WaPhoneNumber: the account's listing against the last known state.</summary>
    Poll,
    /// <summary>By Watch-WaPhoneNumber, from a webhook about the number (the number read again at once).</summary>
    Webhook,
}

/// <summary>
/// One change of one number between two snapshots. Values are text as Export-Csv writes them
/// ("True", "250"), so a change reads the same whether the snapshots were objects, Clixml or CSV.
/// </summary>
public sealed class PhoneNumberChange
{
    /// <summary>The phone-number ID that changed.</summary>
    public string PhoneNumberId { get; set; } = "";
    /// <summary>From the current snapshot, else the reference one.</summary>
    public string? DisplayPhoneNumber { get; set; }
    /// <summary>From the current snapshot, else the reference one ($null when neither has it).</summary>
    public string? BusinessAccountId { get; set; }
    /// <summary>The PhoneNumber property that changed; $null for Added and Removed.</summary>
    public string? Property { get; set; }
    /// <summary>The value in the reference snapshot.</summary>
    public string? OldValue { get; set; }
    /// <summary>The value in the current snapshot.</summary>
    public string? NewValue { get; set; }
    /// <summary>What kind of change.</summary>
    public PhoneNumberChangeType Change { get; set; }
    /// <summary>How much the change matters.</summary>
    public ChangeSeverity Severity { get; set; }
    /// <summary>Where it was seen: Snapshot (Compare-WaPhoneNumber), Poll or Webhook (Watch-WaPhoneNumber).</summary>
    public ChangeSource Source { get; set; }

    /// <inheritdoc/>
    public override string ToString() =>
        Property == null
            ? $"{Severity} {Change}: {DisplayPhoneNumber} ({PhoneNumberId})"
            : $"{Severity} {Change}: {DisplayPhoneNumber} ({PhoneNumberId}) {Property} {OldValue} -> {NewValue}";
}
