using System.Management.Automation;
using WhatsappPhone.Connection;

namespace WhatsappPhone.Cmdlets;

/// <summary>Forgets this runspace's connection; commands then fall back to the environment variables.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "WaAccount")]
[OutputType(typeof(void))]
public sealed class DisconnectWaAccountCommand : PSCmdlet
{
    /// <inheritdoc/>
    protected override void EndProcessing() => ConnectionResolver.CurrentContext = null;
}
