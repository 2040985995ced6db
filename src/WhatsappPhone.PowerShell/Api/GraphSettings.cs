using System;
using System.Security;

namespace WhatsappPhone.Api
{
    /// <summary>Everything one request needs to know about where it goes and as whom. Built only from checked values.</summary>
    public sealed class GraphSettings
    {
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(100);

        public GraphSettings(SecureString accessToken, string apiVersion, Uri baseUri, TimeSpan? timeout = null, RetryPolicy? retry = null, Uri? proxy = null)
        {
            AccessToken = accessToken ?? throw new ArgumentNullException(nameof(accessToken));
            ApiVersion = GraphInput.RequireApiVersion(apiVersion, nameof(apiVersion));
            BaseUri = GraphInput.RequireBaseUri(baseUri?.OriginalString, nameof(baseUri));
            Timeout = timeout ?? DefaultTimeout;
            if (Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must be positive.");
            Retry = retry ?? RetryPolicy.Default;
            Proxy = proxy;
        }

        public RetryPolicy Retry { get; }
        /// <summary>An explicit proxy; null uses the system proxy (and HTTPS_PROXY/NO_PROXY on Linux and macOS).</summary>
        public Uri? Proxy { get; }

        public SecureString AccessToken { get; }
        public string ApiVersion { get; }
        public Uri BaseUri { get; }
        public TimeSpan Timeout { get; }

        /// <summary>The major version number, to pick fields that exist only in some versions.</summary>
        public int MajorVersion => int.Parse(ApiVersion.Substring(1, ApiVersion.IndexOf('.') - 1), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>How far a transient fault is ridden out: retries per request, and the total time spent waiting.</summary>
    public sealed class RetryPolicy
    {
        public static readonly RetryPolicy Default = new RetryPolicy(4, TimeSpan.FromSeconds(120));

        public RetryPolicy(int maxRetries, TimeSpan maxWait, TimeSpan? baseDelay = null)
        {
            BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(500);
            if (maxRetries < 0) throw new ArgumentOutOfRangeException(nameof(maxRetries), "Retries cannot be negative.");
            if (maxWait < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(maxWait), "The wait cannot be negative.");
            MaxRetries = maxRetries;
            MaxWait = maxWait;
        }

        /// <summary>Retries after the first attempt of a GET (a POST is repeated at most once, see GraphTransport).</summary>
        public int MaxRetries { get; }
        /// <summary>The most time one request may spend waiting between attempts, Retry-After included.</summary>
        public TimeSpan MaxWait { get; }
        /// <summary>The first backoff; each retry doubles it (with jitter), up to 30 s.</summary>
        public TimeSpan BaseDelay { get; }
    }
}
