using System;
using System.Security;
using WhatsappPhone.Api;

namespace WhatsappPhone.Connection
{
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
            AccessToken = accessToken;
            BusinessAccountId = businessAccountId;
            ApiVersion = apiVersion;
            BaseUri = baseUri?.ToString();
            TimeoutSec = timeoutSec;
        }

        internal SecureString AccessToken { get; }
        public string? BusinessAccountId { get; }
        public string? ApiVersion { get; }
        public string? BaseUri { get; }
        public int? TimeoutSec { get; }
        public int? MaxRetries { get; }
        public int? MaxRetryWaitSec { get; }
        /// <summary>The proxy as shown: its user name and password, if any, as ***.</summary>
        public string? Proxy { get; }
        /// <summary>The proxy as used, credentials included; internal, so no display or serialization sees it.</summary>
        internal Uri? ProxyUri { get; }
        /// <summary>The Meta app the token belongs to; needed to upload a business profile picture.</summary>
        public string? AppId { get; }

        public override string ToString() =>
            $"WhatsappPhone connection (API {ApiVersion ?? "default"}, {BaseUri ?? "default URI"}, account {BusinessAccountId ?? "not set"})";
    }
}
