using System.Management.Automation;
using System.Security;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>A verification code: ASCII digits. The message never contains the value.</summary>
    public sealed class ValidateVerificationCodeAttribute : ValidateArgumentsAttribute
    {
        /// <inheritdoc/>
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            string? problem = GraphInput.CheckVerificationCode(null);
            if (arguments is SecureString code) Secrets.WithRevealed(code, c => problem = GraphInput.CheckVerificationCode(c));
            if (problem != null) throw new ValidationMetadataException(problem);
        }
    }
}
