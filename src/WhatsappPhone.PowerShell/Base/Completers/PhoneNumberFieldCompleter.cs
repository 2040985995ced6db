using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets;

/// <summary>Completes -Property with the documented Graph phone-number fields not given yet.</summary>
public sealed class PhoneNumberFieldCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = CompletionListings.Unquote(wordToComplete);
        var given = Array.Empty<string>();
        try
        {
            if (fakeBoundParameters?[parameterName] is { } value) given = LanguagePrimitives.ConvertTo<string[]>(value);
        }
        catch (PSInvalidCastException)
        {
            // Whatever is on the command line so far, it excludes nothing.
        }
        return PhoneNumberJson.KnownFields
            .Where(f => f.StartsWith(word, StringComparison.OrdinalIgnoreCase) && !given.Contains(f, StringComparer.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new CompletionResult(f, f, CompletionResultType.ParameterValue, $"Graph phone-number field {f}"))
            .ToList();
    }
}
