using System;
using System.Management.Automation;
using System.Security;
using WhatsappPhone.Api;
using WhatsappPhone.Connection;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>
    /// Sets this runspace's connection. It sends no request: the token is first used, and checked,
    /// by the next command.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "WaAccount")]
    [OutputType(typeof(WaContext))]
    public sealed class ConnectWaAccountCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [SecretTransformation]
        public SecureString AccessToken { get; set; } = null!;

        [Parameter]
        [Alias("BusinessId", "WabaId")]
        [ValidateGraphId("WhatsApp Business Account ID")]
        public string? BusinessAccountId { get; set; }

        [Parameter]
        public string? ApiVersion { get; set; }

        [Parameter]
        public string? BaseUri { get; set; }

        [Parameter]
        [ValidateRange(1, 3600)]
        public int? TimeoutSec { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            if (AccessToken == null || AccessToken.Length == 0)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("The access token is empty."), "WaEmptyAccessToken", ErrorCategory.InvalidArgument, null));
            Uri? baseUri = null;
            try
            {
                if (ApiVersion != null) GraphInput.RequireApiVersion(ApiVersion, nameof(ApiVersion));
                if (BaseUri != null) baseUri = GraphInput.RequireBaseUri(BaseUri, nameof(BaseUri));
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "WaInvalidConnectionSetting", ErrorCategory.InvalidArgument, ex.ParamName));
            }
            AccessToken!.MakeReadOnly();
            var context = new WaContext(AccessToken, BusinessAccountId, ApiVersion, baseUri, TimeoutSec);
            ConnectionResolver.CurrentContext = context;
            WriteVerbose($"Connected: {context}.");
            if (PassThru) WriteObject(context);
        }
    }

    /// <summary>Forgets this runspace's connection; commands then fall back to the environment variables.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "WaAccount")]
    [OutputType(typeof(void))]
    public sealed class DisconnectWaAccountCommand : PSCmdlet
    {
        protected override void EndProcessing() => ConnectionResolver.CurrentContext = null;
    }
}
