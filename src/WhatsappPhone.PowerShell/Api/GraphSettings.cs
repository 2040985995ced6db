using System;
using System.Security;
using WhatsappPhone.Api.Pipeline;

namespace WhatsappPhone.Api;

/// <summary>Everything one request needs to know about where it goes and as whom. Built only from checked values.</summary>
internal sealed class GraphSettings
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(100);

    public GraphSettings(SecureString accessToken, string apiVersion, Uri baseUri, TimeSpan? timeout = null, RetryOptions? retry = null, Uri? proxy = null)
    {
        AccessToken = accessToken ?? throw new ArgumentNullException(nameof(accessToken));
        ApiVersion = GraphInput.RequireApiVersion(apiVersion, nameof(apiVersion));
        BaseUri = GraphInput.RequireBaseUri(baseUri?.OriginalString, nameof(baseUri));
        Timeout = timeout ?? DefaultTimeout;
        if (Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must be positive.");
        Retry = retry ?? RetryOptions.Default;
        Proxy = proxy;
    }

    public RetryOptions Retry { get; }
    /// <summary>An explicit proxy; null uses the system proxy (and HTTPS_PROXY/NO_PROXY on Linux and macOS).</summary>
    public Uri? Proxy { get; }

    public SecureString AccessToken { get; }
    public string ApiVersion { get; }
    public Uri BaseUri { get; }
    public TimeSpan Timeout { get; }

    /// <summary>The major version number, to pick fields that exist only in some versions.</summary>
    public int MajorVersion => int.Parse(ApiVersion.Substring(1, ApiVersion.IndexOf('.') - 1), System.Globalization.CultureInfo.InvariantCulture);
}
