using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Completes -PhoneNumberId with the numbers of the connected account: the ID is inserted, the
/// list shows "+1 555-093-4873 (Name, STATUS)". What is typed matches the start of an ID, or
/// anywhere in the display number (digits alone are enough) or the verified name.
/// </summary>
public sealed class PhoneNumberIdCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = CompletionListings.Unquote(wordToComplete);
        var digits = new string(word.Where(char.IsDigit).ToArray());
        return CompletionListings.Numbers(fakeBoundParameters)
            .Where(n => word.Length == 0
                || n.Id.StartsWith(word, StringComparison.Ordinal)
                || (n.DisplayPhoneNumber?.IndexOf(word, StringComparison.OrdinalIgnoreCase) ?? -1) >= 0
                || (digits.Length > 0 && new string((n.DisplayPhoneNumber ?? "").Where(char.IsDigit).ToArray()).Contains(digits))
                || (n.VerifiedName?.IndexOf(word, StringComparison.OrdinalIgnoreCase) ?? -1) >= 0)
            .Select(n =>
            {
                var label = $"{n.DisplayPhoneNumber ?? n.Id} ({n.VerifiedName ?? "no name"}, {n.Status ?? "status unknown"})";
                return new CompletionResult(n.Id, label, CompletionResultType.ParameterValue, $"{n.Id}: {label}");
            })
            .ToList();
    }
}
