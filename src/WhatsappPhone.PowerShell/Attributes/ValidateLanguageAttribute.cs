using System.Management.Automation;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets;

/// <summary>A language code for request_code, such as en_US or pt_BR (the one rule: <see cref="GraphInput.CheckLanguage"/>).</summary>
public sealed class ValidateLanguageAttribute : ValidateArgumentsAttribute
{
    /// <inheritdoc/>
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = arguments is PSObject pso ? pso.BaseObject : arguments;
        if (GraphInput.CheckLanguage(value as string) is { } problem) throw new ValidationMetadataException(problem);
    }
}
