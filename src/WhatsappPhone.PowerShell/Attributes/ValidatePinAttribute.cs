using System.Management.Automation;
using System.Security;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>The two-step PIN: six ASCII digits. The message never contains the value.</summary>
    public sealed class ValidatePinAttribute : ValidateArgumentsAttribute
    {
        /// <inheritdoc/>
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            string? problem = GraphInput.CheckPin(null);
            if (arguments is SecureString pin) Secrets.WithRevealed(pin, p => problem = GraphInput.CheckPin(p));
            if (problem != null) throw new ValidationMetadataException(problem);
        }
    }
}
