using System.Management.Automation;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets;

/// <summary>The two-step PIN: six ASCII digits. The message never contains the value.</summary>
public sealed class ValidatePinAttribute : ValidateArgumentsAttribute
{
    /// <inheritdoc/>
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics) =>
        SecretValidation.Validate(arguments, GraphInput.CheckPin);
}
