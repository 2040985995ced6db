using System;
using System.Collections.Generic;
using System.Management.Automation;
using WhatsappPhone.Changes;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// The changes between two snapshots of numbers, for runbooks that poll. Sends no request: a
/// snapshot is whatever the user kept (PhoneNumber objects, Import-Clixml or Import-Csv copies).
/// </summary>
[Cmdlet(VerbsData.Compare, "WaPhoneNumber")]
[OutputType(typeof(PhoneNumberChange))]
public sealed class CompareWaPhoneNumberCommand : PSCmdlet
{
    private const string Reference = "reference snapshot (-ReferenceObject)";
    private const string Current = "current snapshot (-DifferenceObject)";

    /// <summary>The earlier snapshot.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [AllowEmptyCollection]
    public PSObject[] ReferenceObject { get; set; } = Array.Empty<PSObject>();

    /// <summary>
    /// The current snapshot, usually piped from Get-WaPhoneNumber. A piped $null (a variable
    /// holding an empty listing) is no number, not a binding error beside a list of Removed.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    [AllowNull]
    public PSObject?[]? DifferenceObject { get; set; } = Array.Empty<PSObject>();

    private readonly List<NumberSnapshot> _reference = new List<NumberSnapshot>();
    private readonly List<NumberSnapshot> _current = new List<NumberSnapshot>();
    private int _currentEntries;

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        for (var i = 0; i < ReferenceObject.Length; i++)
            if (Read(ReferenceObject[i], i, Reference) is { } n) _reference.Add(n);
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        foreach (var entry in DifferenceObject ?? Array.Empty<PSObject>())
            if (entry != null && Read(entry, _currentEntries++, Current) is { } n) _current.Add(n);
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        var result = PhoneNumberComparison.Compare(_reference, _current);
        foreach (var d in result.Duplicates)
        {
            WriteError(new ErrorRecord(
                new InvalidOperationException(
                    $"The phone-number ID {d.Id} appears {d.Count} times in the {(d.InReference ? Reference : Current)}, so which entry is its state is unknown; " +
                    "no change is reported for it. Keep one entry per number (a snapshot that lists the same account twice, or two runs appended to one file, repeats them)."),
                "WaSnapshotDuplicateId", ErrorCategory.InvalidData, d.Id));
        }

        foreach (var change in result.Changes) WriteObject(change);
    }

    /// <summary>
    /// The adapter from what users keep to the comparison's text values: PhoneNumber objects
    /// directly, anything else (Import-Clixml's deserialized objects, Import-Csv's rows of
    /// strings) by property name.
    /// </summary>
    private NumberSnapshot? Read(PSObject entry, int index, string snapshot)
    {
        if (entry.BaseObject is PhoneNumber number && !string.IsNullOrEmpty(number.Id)) return NumberSnapshot.FromPhoneNumber(number);

        var id = NumberSnapshot.Text(Value(entry, nameof(PhoneNumber.Id)));
        if (id == null)
        {
            WriteError(new ErrorRecord(
                new ArgumentException(
                    $"Entry {index} of the {snapshot} has no Id, so it cannot be matched and is skipped. A snapshot holds the numbers " +
                    "Get-WaPhoneNumber writes, or their Import-Clixml or Import-Csv copies."),
                "WaSnapshotNoId", ErrorCategory.InvalidData, entry));
            return null;
        }
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in NumberSnapshot.Properties)
        {
            if (entry.Properties[name] is { } property)
                values[name] = NumberSnapshot.Text(Unwrap(property.Value));
        }

        return new NumberSnapshot(id, values);
    }

    private static object? Value(PSObject entry, string name) => Unwrap(entry.Properties[name]?.Value);

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
