using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Completes -BusinessAccountId with the accounts this session knows without asking Graph: the
/// connection's (or WHATSAPP_BUSINESS_ID) and those whose numbers were listed for completion.
/// Graph lists accounts only per business portfolio, which a connection does not name.
/// </summary>
public sealed class BusinessAccountIdCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = CompletionListings.Unquote(wordToComplete);
        return CompletionListings.Accounts(fakeBoundParameters)
            .Where(a => a.Id.StartsWith(word, StringComparison.Ordinal))
            .Select(a => new CompletionResult(a.Id, a.Id, CompletionResultType.ParameterValue, $"WhatsApp Business Account {a.Id} ({a.Source})"))
            .ToList();
    }
}
