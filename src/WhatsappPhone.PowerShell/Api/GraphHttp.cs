using System;
using System.Net;
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace WhatsappPhone.Api;

/// <summary>
/// The module's one HTTP pipeline, built on first use (never at import): pooled connections with
/// keep-alive, rotated by IHttpClientFactory so a long runbook follows DNS changes.
/// </summary>
internal static class GraphHttp
{
    // One named client per proxy: "graph" uses the system proxy, "graph proxy <uri>" an explicit one,
    // "graph direct" none.
    private const string ClientName = "graph";
    private const string DirectName = "graph direct";
    private const string ProxyPrefix = "graph proxy ";

    private static readonly Lazy<IHttpClientFactory> Factory = new Lazy<IHttpClientFactory>(() =>
    {
        var services = new ServiceCollection();
        services.AddHttpClient();
        services.AddSingleton<IConfigureOptions<HttpClientFactoryOptions>>(new PrimaryHandlerByName());
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
    });

    /// <summary>
    /// A client over the shared handlers; timeouts are applied per request by the caller. A loopback
    /// <paramref name="baseUri"/> (the emulator, over plain http) never goes through a proxy, system or
    /// explicit: the proxy would receive the token in clear text.
    /// </summary>
    public static HttpClient CreateClient(Uri? proxy, Uri? baseUri = null)
    {
        var name = baseUri != null && GraphInput.IsLoopback(baseUri) ? DirectName : proxy == null ? ClientName : ProxyPrefix + proxy.AbsoluteUri;
        var client = Factory.Value.CreateClient(name);
        client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        return client;
    }

    /// <summary>A proxy; user:password in its URI become its credentials (answered to a 407 challenge).</summary>
    private static WebProxy Proxy(Uri uri)
    {
        var proxy = new WebProxy(new UriBuilder(uri) { UserName = "", Password = "" }.Uri);
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':');
            var user = colon < 0 ? uri.UserInfo : uri.UserInfo.Substring(0, colon);
            var password = colon < 0 ? "" : uri.UserInfo.Substring(colon + 1);
            proxy.Credentials = new NetworkCredential(Uri.UnescapeDataString(user), Uri.UnescapeDataString(password));
        }
        return proxy;
    }

    private sealed class PrimaryHandlerByName : IConfigureNamedOptions<HttpClientFactoryOptions>
    {
        public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);

        public void Configure(string? name, HttpClientFactoryOptions options)
        {
            var proxy = name != null && name.StartsWith(ProxyPrefix, StringComparison.Ordinal) ? Proxy(new Uri(name.Substring(ProxyPrefix.Length))) : null;
            options.HandlerLifetime = TimeSpan.FromMinutes(5);
            options.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = new HttpClientHandler
            {
                // A redirect must never carry the token to another host: Graph does not redirect API calls.
                AllowAutoRedirect = false,
                // Decompressed by GraphSender, which caps the body before and after (a small gzip can expand to gigabytes).
                AutomaticDecompression = DecompressionMethods.None,
                UseProxy = name != DirectName,
                Proxy = proxy,
                UseCookies = false,
                // Enough connections for -ThrottleLimit's maximum; .NET Framework would otherwise allow 2 per host.
                MaxConnectionsPerServer = 64,
            });
        }
    }
}
