using System;
using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Adds a phone number to a WhatsApp Business Account (POST /{waba}/phone_numbers), or migrates one
/// from another account with -Migrate, and writes the new number, ready for Request-WaPhoneNumberCode.
/// </summary>
[Cmdlet(VerbsCommon.New, "WaPhoneNumber", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PhoneNumber))]
public sealed class NewWaPhoneNumberCommand : WaApiCmdlet
{
    /// <summary>The account the number is added to. Not bound from the pipeline: a piped number's own account is the migration's source.</summary>
    [Parameter(Mandatory = true)]
    [Alias("WabaId")]
    [ValidateGraphId(IdKind.BusinessAccount)]
    [ArgumentCompleter(typeof(BusinessAccountIdCompleter))]
    public string BusinessAccountId { get; set; } = "";

    /// <summary>The country calling code: 1, 44, '+49'.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Cc")]
    public string CountryCode { get; set; } = "";

    /// <summary>The number without its country code; spaces and dashes are removed.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string PhoneNumber { get; set; } = "";

    /// <summary>The display name that goes to review (2 to 75 characters).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string VerifiedName { get; set; } = "";

    /// <summary>Moves the number from the account that has it now (migrate_phone_number).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter Migrate { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        string cc, number, name;
        try
        {
            cc = AdministrationInput.CountryCode(CountryCode, nameof(CountryCode));
            number = AdministrationInput.LocalNumber(PhoneNumber, cc, nameof(PhoneNumber), out var cleaned);
            if (cleaned) WriteVerbose($"Removed the spaces and dashes from '{PhoneNumber}': sending {number}.");
            name = AdministrationInput.DisplayName(VerifiedName, nameof(VerifiedName));
        }
        catch (ArgumentException ex)
        {
            WriteError(new ErrorRecord(ex, "WaInvalidArgument", ErrorCategory.InvalidArgument, PhoneNumber));
            return;
        }
        var target = $"+{cc} {number} in WhatsApp Business Account {BusinessAccountId}";
        var action = Migrate
            ? "Migrate the phone number from the WhatsApp Business Account that has it now"
            : $"Add the phone number with the display name '{name}' (it goes to review)";
        if (!ShouldChange(target, action, PhoneNumber)) return;
        var settings = ResolveSettings();
        TryRun(PhoneNumber, () =>
        {
            var id = Wait(Client.AddPhoneNumberAsync(BusinessAccountId, cc, number, name, Migrate, Cancellation));
            WriteVerbose($"Added +{cc} {number} as phone-number ID {id}; next: Request-WaPhoneNumberCode, Confirm-WaPhoneNumberCode, Register-WaPhoneNumber.");
            var added = Wait(Client.GetPhoneNumberAsync(id, PhoneNumberJson.FieldsFor(settings.MajorVersion), null, Cancellation));
            added.BusinessAccountId = BusinessAccountId;
            WriteObject(added);
        });
    }
}
