using System;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using WhatsappPhone.Api;
using WhatsappPhone.Connection;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Accepts a secret as a SecureString or a string (or a number, for a PIN typed without quotes)
/// and binds it as a SecureString, so the plain text lives nowhere in the command's state.
/// </summary>
public sealed class SecretTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
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
