using System;
using System.Security;
using WhatsappPhone.Api;

namespace WhatsappPhone.Connection;

/// <summary>
/// What Connect-WaAccount was given. A setting left out stays $null here and resolves at call time
/// (environment variable, then default). The token is kept out of every public property, so
/// displaying, ConvertTo-Json or Export-Clixml of a context never shows it.
/// </summary>
public sealed class WaContext
{
    internal WaContext(SecureString accessToken, string? businessAccountId, string? apiVersion, Uri? baseUri, int? timeoutSec,
        int? maxRetries = null, int? maxRetryWaitSec = null, Uri? proxy = null, string? appId = null)
    {
        AppId = appId;
        MaxRetries = maxRetries;
        MaxRetryWaitSec = maxRetryWaitSec;
        ProxyUri = proxy;
        Proxy = GraphInput.WithoutUserInfo(proxy?.ToString());
        Token = accessToken;
        BusinessAccountId = businessAccountId;
        ApiVersion = apiVersion;
        BaseUri = baseUri?.ToString();
        TimeoutSec = timeoutSec;
    }

    internal SecureString Token { get; }

    /// <summary>Always "(hidden)": what views and serializers show for the token.</summary>
    public string AccessToken => "(hidden)";
    /// <summary>The account commands use when none is given; $null falls back to WHATSAPP_BUSINESS_ID.</summary>
    public string? BusinessAccountId { get; }
    /// <summary>The Graph API version; $null falls back to WHATSAPP_API_VERSION, then the default.</summary>
    public string? ApiVersion { get; }
    /// <summary>The Graph API root; $null falls back to WHATSAPP_BASE_URI, then graph.facebook.com.</summary>
    public string? BaseUri { get; }
    /// <summary>Seconds one request may take; $null for the default.</summary>
    public int? TimeoutSec { get; }
    /// <summary>Retries of a transient fault; $null for the default.</summary>
    public int? MaxRetries { get; }
    /// <summary>The most seconds one request waits between retries; $null for the default.</summary>
    public int? MaxRetryWaitSec { get; }
    /// <summary>An explicit HTTP proxy, as shown: its user name and password, if any, as ***; $null for the system proxy.</summary>
    public string? Proxy { get; }
    /// <summary>The proxy as used, credentials included; internal, so no display or serialization sees it.</summary>
    internal Uri? ProxyUri { get; }
    /// <summary>The Meta app the token belongs to; needed to upload a business profile picture.</summary>
    public string? AppId { get; }

    /// <summary>The clock Watch-WaPhoneNumber waits on between polls; null for the system's. Tests set it, so several polls pass without waiting.</summary>
    internal Api.Pipeline.GraphClock? Clock { get; set; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"WhatsappPhone connection (API {ApiVersion ?? "default"}, {BaseUri ?? "default URI"}, account {BusinessAccountId ?? "not set"})";
}
