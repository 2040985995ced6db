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
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) => ToSecureString(inputData)!;

    /// <summary>A SecureString as it is, a string or a whole number as a new one; null stays null.</summary>
    internal static SecureString? ToSecureString(object? inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        return value switch
        {
            SecureString secure => secure,
            string text => Secrets.ToSecureString(text),
            int or long => Secrets.ToSecureString(Convert.ToString(value, CultureInfo.InvariantCulture)!),
            null => null,
            _ => throw new ArgumentTransformationMetadataException($"Give a string or a SecureString, not a {value.GetType().Name}."),
        };
    }
}

/// <summary>
/// An app secret or verify token, as a string or SecureString, bound as a new SecureString with its
/// surrounding whitespace trimmed (a secret read with Get-Content -Raw ends with a line break). One
/// that is empty or only whitespace is refused here, before the command runs: see
/// <see cref="WebhookInput.TrimSecret"/>. The caller's SecureString is left as it was.
/// </summary>
public sealed class WebhookSecretTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var secret = SecretTransformationAttribute.ToSecureString(inputData);
        if (secret == null) return null!;
        try
        {
            return WebhookInput.TrimSecret(secret, "");
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentTransformationMetadataException(ex.Message, ex);
        }
    }
}
