using System;
using System.Globalization;
using System.Management.Automation;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets;

/// <summary>Checks Graph IDs at binding time, so a bad ID never reaches a request.</summary>
public sealed class ValidateGraphIdAttribute : ValidateEnumeratedArgumentsAttribute
{
    private readonly IdKind _kind;

    /// <param name="kind">Which ID the parameter takes; the message names it.</param>
    public ValidateGraphIdAttribute(IdKind kind) => _kind = kind;

    /// <inheritdoc/>
    protected override void ValidateElement(object element)
    {
        var value = element is PSObject pso ? pso.BaseObject : element;
        if (GraphInput.CheckId(value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture), _kind) is { } problem)
            throw new ValidationMetadataException(problem);
    }
}
