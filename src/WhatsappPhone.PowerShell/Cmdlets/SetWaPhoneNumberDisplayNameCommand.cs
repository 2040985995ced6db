using System;
using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Requests a display-name change; it goes to Meta's review. Writes the number with its
/// NewDisplayName and NewNameStatus. After approval the number must be registered again.
/// </summary>
[Cmdlet(VerbsCommon.Set, "WaPhoneNumberDisplayName", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PhoneNumber))]
public sealed class SetWaPhoneNumberDisplayNameCommand : WaPhoneNumberActionCmdlet
{
    /// <summary>The new display name, 2 to 75 characters.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("NewDisplayName")]
    public string DisplayName { get; set; } = "";

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        string name;
        try
        {
            name = AdministrationInput.DisplayName(DisplayName, nameof(DisplayName));
        }
        catch (ArgumentException ex)
        {
            WriteError(new ErrorRecord(ex, "WaInvalidArgument", ErrorCategory.InvalidArgument, PhoneNumberId));
            return;
        }
        if (!ShouldChange($"Request the display name '{name}' (it goes to Meta's review)")) return;
        var id = PhoneNumberId;
        TryRun(id, () =>
        {
            var current = ReadBack(id);
            // Meta reviews one change at a time: a second request would only be refused.
            if (current.NewNameStatus == "PENDING_REVIEW" || current.NameStatus == "PENDING_REVIEW")
            {
                throw new WaStateException(
                    $"The display name of {Target} cannot change now: '{current.NewDisplayName ?? current.VerifiedName}' is still in Meta's review (one change at a time). " +
                    "Nothing was sent. Wait for the decision (NewNameStatus, or the phone_number_name_update webhook), then try again.",
                    "WaDisplayNameInReview");
            }

            Wait(Client.RequestDisplayNameAsync(id, name, Cancellation));
            WriteVerbose($"Requested the display name '{name}' for {Target}; once NewNameStatus is APPROVED, register the number again for it to show.");
            WriteObject(ReadBack(id));
        });
    }
}
