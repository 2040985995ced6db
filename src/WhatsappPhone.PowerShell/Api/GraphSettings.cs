using System;
using System.Security;

namespace WhatsappPhone.Api
{
    /// <summary>Everything one request needs to know about where it goes and as whom. Built only from checked values.</summary>
    public sealed class GraphSettings
    {
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(100);

        public GraphSettings(SecureString accessToken, string apiVersion, Uri baseUri, TimeSpan? timeout = null)
        {
            AccessToken = accessToken ?? throw new ArgumentNullException(nameof(accessToken));
            ApiVersion = GraphInput.RequireApiVersion(apiVersion, nameof(apiVersion));
            BaseUri = GraphInput.RequireBaseUri(baseUri?.OriginalString, nameof(baseUri));
            Timeout = timeout ?? DefaultTimeout;
            if (Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must be positive.");
        }

        public SecureString AccessToken { get; }
        public string ApiVersion { get; }
        public Uri BaseUri { get; }
        public TimeSpan Timeout { get; }

        /// <summary>The major version number, to pick fields that exist only in some versions.</summary>
        public int MajorVersion => int.Parse(ApiVersion.Substring(1, ApiVersion.IndexOf('.') - 1), System.Globalization.CultureInfo.InvariantCulture);
    }
}
