using System;
using System.IO;
using System.Net.Http;
using System.Security;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;

namespace WhatsappPhone.Tests
{
    /// <summary>The recorded Graph responses in ../shared/reference/recorded, and a client over a mocked handler.</summary>
    /// <summary>A handler that runs a function per request, for failures MockHttp cannot express.</summary>
    sealed class FuncHandler : System.Net.Http.HttpMessageHandler
    {
        readonly Func<System.Net.Http.HttpRequestMessage, System.Threading.Tasks.Task<System.Net.Http.HttpResponseMessage>> answer;
        public FuncHandler(Func<System.Net.Http.HttpRequestMessage, System.Threading.Tasks.Task<System.Net.Http.HttpResponseMessage>> answer) => this.answer = answer;
        protected override System.Threading.Tasks.Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, System.Threading.CancellationToken cancellationToken) => answer(request);
    }

    /// <summary>Keeps what the client logs, to assert on it.</summary>
    sealed class ListLog : IGraphLog
    {
        public readonly System.Collections.Generic.List<string> DebugLines = new System.Collections.Generic.List<string>();
        public readonly System.Collections.Generic.List<string> VerboseLines = new System.Collections.Generic.List<string>();
        public void Debug(string line) { lock (DebugLines) DebugLines.Add(line); }
        public void Verbose(string line) { lock (VerboseLines) VerboseLines.Add(line); }
    }

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

        public static GraphClient Client(MockHttpMessageHandler handler, string version = "v25.0", TimeSpan? timeout = null, IGraphLog? log = null, RetryPolicy? retry = null) =>
            new GraphClient(new GraphSettings(Secure(Token), version, new Uri(BaseUri), timeout, retry ?? FastRetries), handler.ToHttpClient(), log);

        /// <summary>Retries as in production, but with a 1 ms first backoff, so the tests do not sleep.</summary>
        public static readonly RetryPolicy FastRetries = new RetryPolicy(4, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(1));

        public static readonly RetryPolicy NoRetries = new RetryPolicy(0, TimeSpan.Zero);

        public static HttpResponseMessage Json(System.Net.HttpStatusCode status, string body)
        {
            var r = new HttpResponseMessage(status) { Content = new StringContent(body) };
            r.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "UTF-8" };
            return r;
        }
    }
}
