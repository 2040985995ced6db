using System;
using System.Management.Automation;
using System.Security;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>The two-step PIN: six ASCII digits. The message never contains the value.</summary>
    public sealed class ValidatePinAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            if (arguments is not SecureString pin) throw new ValidationMetadataException("A PIN is required: six digits, such as '024680'.");
            try
            {
                Secrets.WithRevealed(pin, p => GraphInput.RequirePin(p, ""));
            }
            catch (ArgumentException ex)
            {
                throw new ValidationMetadataException(ex.Message.Split(new[] { Environment.NewLine }, StringSplitOptions.None)[0]);
            }
        }
    }
}
