using System;
using System.Management.Automation;
using System.Security;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets;

/// <summary>Checks a secret parameter (a PIN, a code) with a GraphInput check, revealing it only for the check; the message never contains the value.</summary>
internal static class SecretValidation
{
    public static void Validate(object arguments, Func<string?, string?> check)
    {
        var problem = check(null);
        if (arguments is SecureString secret) Secrets.WithRevealed(secret, s => problem = check(s));
        if (problem != null) throw new ValidationMetadataException(problem);
    }
}
