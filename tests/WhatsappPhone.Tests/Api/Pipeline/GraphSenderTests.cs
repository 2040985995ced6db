using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Pipeline;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests;

/// <summary>One send against an untrusted server: bounded bodies, released connections, JSON that is refused for what it is.</summary>
[Collection(ProcessWideCollection.Name)] // the gzip bomb test counts every allocation of the process
public class GraphSenderTests
{
    private const string Waba = "114503234599312";
    private static readonly string[] Fields = { "id" };

    /// <summary>Answers every request with what <paramref name="answer"/> builds, counting requests.</summary>
    private static (GraphClient Client, Func<int> Count) Answering(Func<HttpResponseMessage> answer)
    {
        var n = 0;
        var http = new HttpClient(new FuncHandler(_ =>
        {
            Interlocked.Increment(ref n);
            return Task.FromResult(answer());
        }));
        return (Client(http), () => n);
    }

    private static Task<WhatsappPhone.Models.PhoneNumber> Get(GraphClient client) => client.GetPhoneNumberAsync("107878721936019", Fields, null, CancellationToken.None);

    private static Task ListPage(GraphClient client, int limit = 100) =>
        client.GetPhoneNumberPageAsync(client.PhoneNumbersUri(Waba, Fields, limit), Waba, null, CancellationToken.None);

    private static string Page(int items) => "{\"data\":[" + string.Join(",", Enumerable.Range(1, items).Select(i => $"{{\"id\":\"{i}\"}}")) + "]}";

    [Fact]
    public async Task After_70_listings_time_out_mid_body_the_next_listing_to_the_host_works()
    {
        // Account 1's pages send their headers and a few bytes, then hang; account 2's answer at once.
        using var server = new LoopbackServer((_, path) => path.Contains("/1/")
            ? new Reply { Body = Encoding.UTF8.GetBytes(Page(100)), StallAfter = 10 }
            : Reply.Json(Page(3)));
        var http = WhatsappPhone.Api.GraphHttp.CreateClient(null);
        var impatient = Client(http, timeout: TimeSpan.FromMilliseconds(500), retry: NoRetries, baseUri: server.BaseUri);
        var stalled = await Task.WhenAll(Enumerable.Range(0, 70).Select(async _ =>
        {
            try
            {
                await impatient.GetPhoneNumberPageAsync(impatient.PhoneNumbersUri("1", Fields, 100), "1", null, CancellationToken.None);
                return null;
            }
            catch (GraphTimeoutException ex)
            {
                return ex;
            }
        }));
        Assert.All(stalled, Assert.NotNull);

        var patient = Client(http, timeout: TimeSpan.FromSeconds(5), retry: NoRetries, baseUri: server.BaseUri);
        var page = await patient.GetPhoneNumberPageAsync(patient.PhoneNumbersUri("2", Fields, 100), "2", null, CancellationToken.None);
        Assert.Equal(3, page.Items.Count);
    }

    [Fact]
    public async Task Stopping_during_a_body_releases_the_connection_at_once()
    {
        using var server = new LoopbackServer((_, _) => new Reply { Body = Encoding.UTF8.GetBytes(Page(100)), StallAfter = 10 });
        var client = Client(WhatsappPhone.Api.GraphHttp.CreateClient(null), retry: NoRetries, baseUri: server.BaseUri);
        using var stop = new CancellationTokenSource();
        var listing = client.GetPhoneNumberPageAsync(client.PhoneNumbersUri(Waba, Fields, 100), Waba, null, stop.Token);
        for (var i = 0; i < 5000 && server.Requests == 0; i++) await Task.Delay(1);
        await Task.Delay(100);   // the headers and the first bytes are on their way
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listing);
        for (var i = 0; i < 2000 && server.OpenConnections > 0; i++) await Task.Delay(1);
        Assert.Equal(0, server.OpenConnections);
    }

    /// <summary>A body that never ends, and fails the test if it is read far beyond the cap.</summary>
    private sealed class EndlessStream : Stream
    {
        private long _read;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if ((_read += count) > 2L * GraphSender.MaxBodyBytes) throw new InvalidOperationException("read far beyond the cap");
            Array.Fill(buffer, (byte)' ', offset, count);
            return count;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task A_body_declared_larger_than_the_cap_is_refused_unread_and_not_asked_for_again()
    {
        var (client, count) = Answering(() =>
        {
            var r = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new EndlessStream()) };
            r.Content.Headers.ContentLength = 100_000_000;
            return r;
        });
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => Get(client));
        Assert.Equal("WaApi.ResponseTooLarge", ex.ErrorId);
        Assert.Contains("100,000,000 bytes", ex.Message);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, count());
    }

    [Fact]
    public async Task A_body_of_unknown_length_is_cut_at_the_cap_and_refused()
    {
        var (client, count) = Answering(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new EndlessStream()) });
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => Get(client));
        Assert.Equal("WaApi.ResponseTooLarge", ex.ErrorId);
        Assert.Contains("32 MiB", ex.Message);
        Assert.Equal(1, count());
    }

    private static byte[] Gzip(Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) write(gzip);
        return buffer.ToArray();
    }

    private static HttpResponseMessage Gzipped(byte[] body)
    {
        var r = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
        r.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        r.Content.Headers.ContentEncoding.Add("gzip");
        return r;
    }

    [Fact]
    public async Task A_small_gzip_body_that_expands_beyond_the_cap_is_refused_and_not_asked_for_again()
    {
        var bomb = Gzip(s =>
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 100; i++) s.Write(zeros, 0, zeros.Length);
        });
        Assert.True(bomb.Length < 400_000);
        var (client, count) = Answering(() => Gzipped(bomb));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => Get(client));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal("WaApi.ResponseTooLarge", ex.ErrorId);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, count());
        Assert.True(allocated < 128L << 20, $"{allocated >> 20} MiB allocated for a 100 MiB bomb");
    }

    [Fact]
    public async Task A_gzip_body_is_asked_for_and_read()
    {
        HttpRequestMessage? sent = null;
        var http = new HttpClient(new FuncHandler(req =>
        {
            sent = req;
            return Task.FromResult(Gzipped(Gzip(s => s.Write(Encoding.UTF8.GetBytes("{\"id\":\"107878721936019\",\"status\":\"CONNECTED\"}")))));
        }));
        Assert.Equal("CONNECTED", (await Get(Client(http))).Status);
        Assert.Contains("gzip", sent!.Headers.AcceptEncoding.Select(e => e.Value));
    }

    [Fact]
    public async Task A_page_with_far_more_items_than_asked_for_is_refused_and_not_asked_for_again()
    {
        var (client, count) = Answering(() => Json(HttpStatusCode.OK, Page(25)));
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => ListPage(client, limit: 10));
        Assert.Contains("25 items for a page of at most 10", ex.Message);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, count());
        await ListPage(Answering(() => Json(HttpStatusCode.OK, Page(10))).Client, limit: 10);
    }

    [Theory]
    [InlineData("deeply nested")]
    [InlineData("array-rooted")]
    [InlineData("malformed")]
    public async Task Json_that_is_whole_but_unreadable_is_not_called_cut_off_and_not_retried(string shape)
    {
        var body = shape switch
        {
            "deeply nested" => string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200),
            "array-rooted" => "[{\"id\":\"1\"}]",
            _ => "{\"id\":\"1\",,}",
        };
        var (client, count) = Answering(() => Json(HttpStatusCode.OK, body));
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => Get(client));
        Assert.DoesNotContain("cut off", ex.Message);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, count());
        Assert.Contains(shape == "array-rooted" ? "a JSON array where Graph answers an object" : "not valid JSON", ex.Message);
    }
}
