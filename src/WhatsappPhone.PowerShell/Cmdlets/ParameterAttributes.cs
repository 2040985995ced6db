using System;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using WhatsappPhone.Api;
using WhatsappPhone.Connection;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>Checks Graph IDs at binding time, so a bad ID never reaches a request.</summary>
    public sealed class ValidateGraphIdAttribute : ValidateEnumeratedArgumentsAttribute
    {
        readonly string what;

        public ValidateGraphIdAttribute(string what) => this.what = what;

        protected override void ValidateElement(object element)
        {
            var value = element is PSObject pso ? pso.BaseObject : element;
            try
            {
                GraphInput.RequireId(value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture), what, "");
            }
            catch (ArgumentException ex)
            {
                throw new ValidationMetadataException(ex.Message.Split(new[] { Environment.NewLine }, StringSplitOptions.None)[0]);
            }
        }
    }

    /// <summary>
    /// Accepts a secret as a SecureString or a string (or a number, for a PIN typed without quotes)
    /// and binds it as a SecureString, so the plain text lives nowhere in the command's state.
    /// </summary>
    public sealed class SecretTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            return value switch
            {
                SecureString secure => secure,
                string text => Secrets.ToSecureString(text),
                int or long => Secrets.ToSecureString(Convert.ToString(value, CultureInfo.InvariantCulture)!),
                null => null!,
                _ => throw new ArgumentTransformationMetadataException($"Give a string or a SecureString, not a {value.GetType().Name}."),
            };
        }
    }

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
