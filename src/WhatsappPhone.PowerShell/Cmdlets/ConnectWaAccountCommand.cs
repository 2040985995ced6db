using System;
using System.Management.Automation;
using System.Security;
using WhatsappPhone.Api;
using WhatsappPhone.Connection;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Sets this runspace's connection. It sends no request: the token is first used, and checked,
/// by the next command.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "WaAccount")]
[OutputType(typeof(WaContext))]
public sealed class ConnectWaAccountCommand : PSCmdlet
{
    /// <summary>The access token (a system-user token for runbooks), as a string or SecureString. Never shown.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [SecretTransformation]
    public SecureString AccessToken { get; set; } = null!;

    /// <summary>The WhatsApp Business Account that commands use when none is given.</summary>
    [Parameter]
    [Alias("BusinessId", "WabaId")]
    [ValidateGraphId(IdKind.BusinessAccount)]
    [ArgumentCompleter(typeof(BusinessAccountIdCompleter))]
    public string? BusinessAccountId { get; set; }

    /// <summary>The Graph API version, such as v25.0; default from WHATSAPP_API_VERSION, else the module's.</summary>
    [Parameter]
    public string? ApiVersion { get; set; }

    /// <summary>The Graph API root; https, or http to this machine for the local emulator.</summary>
    [Parameter]
    public string? BaseUri { get; set; }

    /// <summary>Seconds one request may take before it fails as a timeout.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int? TimeoutSec { get; set; }

    /// <summary>Retries of a request that failed with a transient fault (GETs; register and deregister at most once, see about_WhatsappPhone).</summary>
    [Parameter]
    [ValidateRange(0, 20)]
    public int? MaxRetries { get; set; }

    /// <summary>The most seconds one request may spend waiting between retries, a server's Retry-After included.</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int? MaxRetryWaitSec { get; set; }

    /// <summary>An explicit HTTP proxy; by default the system proxy (HTTPS_PROXY/NO_PROXY on Linux and macOS) is used.</summary>
    [Parameter]
    public Uri? Proxy { get; set; }

    /// <summary>The Meta app the token belongs to; Set-WaBusinessProfile -ProfilePicturePath uploads through it.</summary>
    [Parameter]
    [ValidateGraphId(IdKind.App)]
    public string? AppId { get; set; }

    /// <summary>Writes the connection (a WaContext) for -Context, such as in parallel runspaces.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Builds and returns the context without making it the session's connection (implies -PassThru).</summary>
    [Parameter]
    public SwitchParameter NoSessionUpdate { get; set; }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        SecureString token = null!;
        try
        {
            // A copy, trimmed and checked: the caller's SecureString stays theirs to change or dispose.
            token = AccessTokens.Normalize(AccessToken ?? new SecureString(), "-AccessToken");
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "WaInvalidToken", ErrorCategory.InvalidArgument, null));
        }
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
        try
        {
            if (Proxy != null) GraphInput.RequireProxy(Proxy, nameof(Proxy));
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "WaInvalidConnectionSetting", ErrorCategory.InvalidArgument, nameof(Proxy)));
        }
        var context = new WaContext(token, BusinessAccountId, ApiVersion, baseUri, TimeoutSec, MaxRetries, MaxRetryWaitSec, Proxy, AppId);
        if (NoSessionUpdate)
        {
            WriteVerbose($"Built, without changing this session's connection: {context}.");
            WriteObject(context);
            return;
        }
        ConnectionResolver.CurrentContext = context;
        WriteVerbose($"Connected: {context}.");
        if (PassThru) WriteObject(context);
    }
}
