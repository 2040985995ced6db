using System;
using System.Management.Automation;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets;

/// <summary>A webhook callback: https, or http to this machine only (the emulator, local tests). Checked at binding, before any request.</summary>
public sealed class ValidateCallbackUriAttribute : ValidateArgumentsAttribute
{
    /// <inheritdoc/>
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = arguments is PSObject pso ? pso.BaseObject : arguments;
        try
        {
            WebhookInput.RequireCallbackUri(value as string ?? value?.ToString(), "");
        }
        catch (ArgumentException ex)
        {
            throw new ValidationMetadataException(ex.Message.Split(new[] { Environment.NewLine }, StringSplitOptions.None)[0]);
        }
    }
}
