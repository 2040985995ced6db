using System;
using System.Management.Automation;
using System.Security;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>A verification code: ASCII digits. The message never contains the value.</summary>
    public sealed class ValidateVerificationCodeAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            if (arguments is not SecureString code) throw new ValidationMetadataException("A verification code is required.");
            try
            {
                Secrets.WithRevealed(code, c => GraphInput.RequireVerificationCode(c, ""));
            }
            catch (ArgumentException ex)
            {
                throw new ValidationMetadataException(ex.Message);
            }
        }
    }
}
