using System.Management.Automation;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets;

/// <summary>A verification code: six ASCII digits. The message never contains the value.</summary>
public sealed class ValidateVerificationCodeAttribute : ValidateArgumentsAttribute
{
    /// <inheritdoc/>
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics) =>
        SecretValidation.Validate(arguments, GraphInput.CheckVerificationCode);
}
