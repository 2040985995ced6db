using System;
using System.IO;
using System.Net.Http;
using System.Security;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;

namespace WhatsappPhone.Tests
{
    /// <summary>The recorded Graph responses in ../shared/reference/recorded, and a client over a mocked handler.</summary>
    static class TestSupport
    {
        public const string Token = "EAAG-test-token-value";
        public const string BaseUri = "https://graph.facebook.com";

        public static string Recorded(string name)
        {
            var path = Path.Combine(AppContext.BaseDirectory, "recorded", name + ".json");
            if (!File.Exists(path)) throw new FileNotFoundException("Recorded fixture missing: is ../shared beside the repository?", path);
            return File.ReadAllText(path);
        }

        public static SecureString Secure(string value)
        {
            var s = new SecureString();
            foreach (var c in value) s.AppendChar(c);
            return s;
        }

        public static GraphClient Client(MockHttpMessageHandler handler, string version = "v25.0", TimeSpan? timeout = null, Action<string>? trace = null) =>
            new GraphClient(new GraphSettings(Secure(Token), version, new Uri(BaseUri), timeout), handler.ToHttpClient(), trace);

        public static HttpResponseMessage Json(System.Net.HttpStatusCode status, string body)
        {
            var r = new HttpResponseMessage(status) { Content = new StringContent(body) };
            r.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "UTF-8" };
            return r;
        }
    }
}
