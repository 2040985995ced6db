using System;
using System.Net;
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;

namespace WhatsappPhone.Api
{
    /// <summary>
    /// The module's one HTTP pipeline, built on first use (never at import): pooled connections with
    /// keep-alive, rotated by IHttpClientFactory so a long runbook follows DNS changes.
    /// </summary>
    internal static class GraphHttp
    {
        const string ClientName = "graph";

        static readonly Lazy<IHttpClientFactory> Factory = new Lazy<IHttpClientFactory>(() =>
        {
            var services = new ServiceCollection();
            services.AddHttpClient(ClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler
                {
                    // A redirect must never carry the token to another host: Graph does not redirect API calls.
                    AllowAutoRedirect = false,
                    AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                    UseProxy = true,
                    UseCookies = false,
                })
                .SetHandlerLifetime(TimeSpan.FromMinutes(5));
            return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        });

        /// <summary>A client over the shared handlers; timeouts are applied per request by the caller.</summary>
        public static HttpClient CreateClient()
        {
            var client = Factory.Value.CreateClient(ClientName);
            client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
            return client;
        }
    }
}
