using System;
using System.Collections.Generic;
using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// The base of the cmdlets that turn webhook notifications into events: -Resolve (the
/// phone-number ID of events that name only the display number, one listing per account per
/// call) and the error records of a refused body.
/// </summary>
public abstract class WaWebhookCmdlet : WaApiCmdlet
{
    /// <summary>Fills PhoneNumberId for events that carry only the display number, from the numbers of BusinessAccountId.</summary>
    [Parameter]
    public SwitchParameter Resolve { get; set; }

    private PhoneNumberIdResolver? _resolver;
    private readonly HashSet<string> _warnedMissing = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Writes the events of one notification in order, resolved first with -Resolve.</summary>
    protected int WriteEvents(IReadOnlyList<WebhookEvent> events)
    {
        foreach (var ev in events)
        {
            if (Resolve) ResolveNumber(ev);
            WriteObject(ev);
        }
        return events.Count;
    }

    private protected void ResolveNumber(WebhookEvent ev)
    {
        if (_resolver == null)
        {
            ResolveSettings();
            _resolver = new PhoneNumberIdResolver(Client);
        }
        var found = true;
        if (!TryRun(ev.BusinessAccountId, () => found = Wait(_resolver.ResolveAsync(ev, Cancellation)),
                () => "The events of this account are written without a resolved PhoneNumberId."))
        {
            return;
        }

        if (!found && _warnedMissing.Add(ev.BusinessAccountId + " " + ev.DisplayPhoneNumber))
            WriteWarning($"No number of WhatsApp Business Account {ev.BusinessAccountId} has the display number {ev.DisplayPhoneNumber}: its events keep PhoneNumberId empty.");
    }

    /// <summary>A refused body as an error record: what was wrong, with a real category.</summary>
    internal static ErrorRecord Refusal(WaWebhookException ex, object? target = null) =>
        new ErrorRecord(ex, ex.ErrorId, ex.ErrorId switch
        {
            WaWebhookException.TooLarge or WaWebhookException.TooManyEvents => ErrorCategory.LimitsExceeded,
            WaWebhookException.SignatureInvalid => ErrorCategory.SecurityError,
            _ => ErrorCategory.InvalidData,
        }, target);
}
