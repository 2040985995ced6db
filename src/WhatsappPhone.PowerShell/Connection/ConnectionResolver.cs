using System;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Security;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Pipeline;

namespace WhatsappPhone.Connection;

/// <summary>A setting that could not be resolved, or resolved to a bad value, before any request.</summary>
public sealed class WaConnectionException : Exception
{
    /// <inheritdoc/>
    public WaConnectionException(string message, string errorId, Exception? inner = null) : base(message, inner) => ErrorId = errorId;
    /// <inheritdoc/>
    public string ErrorId { get; }
}

/// <summary>
/// Resolves each setting on its own: an explicit parameter, else the context (-Context, or the
/// runspace's Connect-WaAccount), else the environment variable read now, else the default.
/// </summary>
internal static class ConnectionResolver
{
    public const string TokenVariable = "WHATSAPP_ACCESS_TOKEN";
    public const string BusinessIdVariable = "WHATSAPP_BUSINESS_ID";
    public const string ApiVersionVariable = "WHATSAPP_API_VERSION";
    public const string BaseUriVariable = "WHATSAPP_BASE_URI";
    public const string AppIdVariable = "WHATSAPP_APP_ID";

    // One current context per runspace, so parallel runspaces never act with each other's account.
    private static readonly ConditionalWeakTable<object, StrongBox<WaContext?>> Current = new ConditionalWeakTable<object, StrongBox<WaContext?>>();
    private static readonly object NoRunspace = new object();

    private static object RunspaceKey => (object?)Runspace.DefaultRunspace ?? NoRunspace;

    public static WaContext? CurrentContext
    {
        get => Current.TryGetValue(RunspaceKey, out var box) ? box.Value : null;
        set => Current.GetValue(RunspaceKey, _ => new StrongBox<WaContext?>()).Value = value;
    }

    internal static GraphSettings Resolve(WaContext? context)
    {
        context ??= CurrentContext;
        var token = context?.Token ?? TokenFromEnvironment()
            ?? throw new WaConnectionException(
                $"Not connected: no access token. Run Connect-WaAccount -AccessToken <token>, or set the environment variable {TokenVariable} (for runbooks).",
                "WaNotConnected");
        var version = context?.ApiVersion ?? Environment(ApiVersionVariable) ?? GraphInput.DefaultApiVersion;
        var baseUri = context?.BaseUri ?? Environment(BaseUriVariable) ?? GraphInput.DefaultBaseUri;
        try
        {
            GraphInput.RequireApiVersion(version, ApiVersionVariable);
            var timeout = context?.TimeoutSec is int s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            var retry = context?.MaxRetries != null || context?.MaxRetryWaitSec != null
                ? new RetryOptions(context.MaxRetries ?? RetryOptions.Default.MaxRetries,
                    context.MaxRetryWaitSec is int w ? TimeSpan.FromSeconds(w) : RetryOptions.Default.MaxWait)
                : null;
            var proxy = context?.ProxyUri;
            return new GraphSettings(token, version, GraphInput.RequireBaseUri(baseUri, BaseUriVariable), timeout, retry, proxy);
        }
        catch (ArgumentException ex)
        {
            throw new WaConnectionException($"{ex.Message} (from {(context != null ? "the connection" : "the environment variable " + ex.ParamName)})", "WaInvalidConnectionSetting", ex);
        }
    }

    /// <summary>The WhatsApp Business Account to list when none is given on the command.</summary>
    public static string ResolveBusinessAccountId(WaContext? context)
    {
        context ??= CurrentContext;
        var id = context?.BusinessAccountId ?? Environment(BusinessIdVariable)
            ?? throw new WaConnectionException(
                $"No WhatsApp Business Account given: pass -BusinessAccountId, connect with Connect-WaAccount -BusinessAccountId, or set {BusinessIdVariable}.",
                "WaNoBusinessAccount");
        try
        {
            return GraphInput.RequireId(id, IdKind.BusinessAccount, BusinessIdVariable);
        }
        catch (ArgumentException ex)
        {
            throw new WaConnectionException(ex.Message, "WaInvalidConnectionSetting", ex);
        }
    }

    /// <summary>The app ID for uploads: the parameter, else the connection's, else WHATSAPP_APP_ID.</summary>
    public static string ResolveAppId(string? explicitAppId, WaContext? context)
    {
        context ??= CurrentContext;
        var (id, source) = explicitAppId != null ? (explicitAppId, "-AppId")
            : context?.AppId != null ? (context.AppId, "the connection")
            : Environment(AppIdVariable) is { } fromEnvironment ? (fromEnvironment, AppIdVariable)
            : throw new WaConnectionException(
                $"Uploading a picture needs the Meta app ID the token belongs to: pass -AppId, connect with Connect-WaAccount -AppId, or set {AppIdVariable}.",
                "WaNoAppId");
        try
        {
            return GraphInput.RequireId(id, IdKind.App, source);
        }
        catch (ArgumentException ex)
        {
            throw new WaConnectionException($"{ex.Message} (from {source})", "WaInvalidConnectionSetting", ex);
        }
    }

    private static SecureString? TokenFromEnvironment()
    {
        if (System.Environment.GetEnvironmentVariable(TokenVariable) is not { Length: > 0 } value) return null;
        try
        {
            return AccessTokens.Normalize(Secrets.ToSecureString(value), "the environment variable " + TokenVariable);
        }
        catch (ArgumentException ex)
        {
            throw new WaConnectionException(ex.Message, "WaInvalidToken", ex);
        }
    }

    private static string? Environment(string name) =>
        System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value.Trim() : null;
}
