using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Webhooks.Http;

/// <summary>What a server answers: a status, a short text body and extra headers.</summary>
internal sealed class HttpAnswer
{
    public HttpAnswer(int status, string text = "", params (string Name, string Value)[] headers)
    {
        Status = status;
        Text = text;
        Headers = headers;
    }

    public int Status { get; }
    public string Text { get; }
    public IReadOnlyList<(string Name, string Value)> Headers { get; }
}

/// <summary>What the server serves: it decides on a request's head, then on its body.</summary>
internal interface IHttpEndpoint
{
    /// <summary>
    /// An answer from the head alone (its body is then never read, and the connection closes if it
    /// had one), or null to read the body, at most <see cref="MaxBodyBytes"/>.
    /// </summary>
    HttpAnswer? Admit(HttpRequestHead head, string remote);

    /// <summary>The answer to a request whose whole body arrived (its chunks are given back once answered).</summary>
    Task<HttpAnswer> HandleAsync(HttpRequestHead head, RequestBody body, string remote);

    /// <summary>The server refused a request itself (too slow, malformed, too large, too many): for the count and a report line.</summary>
    void Refused(int status, string why, string remote);

    int MaxBodyBytes { get; }
}

/// <summary>The server's bounds: each is what one caller, or all of them together, may hold.</summary>
internal sealed class HttpServerLimits
{
    /// <summary>Connections open at once; one more is answered 503 and closed.</summary>
    public int MaxConnections { get; set; } = 1000;
    /// <summary>A request line and headers, at most; more is 431.</summary>
    public int MaxHeadBytes { get; set; } = 16 * 1024;
    /// <summary>From a request's first byte to its last body byte; slower is 408 and the connection closes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long an idle keep-alive connection is kept for its next request.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Body bytes held by all requests in progress, at most; a request that would pass it is 503.</summary>
    public long MaxBodyBytesInMemory { get; set; } = 64L * 1024 * 1024;
}

/// <summary>
/// A small, strict HTTP/1.1 server over sockets, for one endpoint. HttpListener was not enough: its
/// managed implementation (Linux, macOS) has no request timeouts (a body dribbled a byte a second
/// held a thread for as long as the caller liked), keeps the last of two same-named headers,
/// answers "100 Continue" before the request could be refused, loses a second request pipelined
/// on a connection and cannot serve https. Here every connection is read asynchronously (no
/// thread waits on a slow caller) within <see cref="HttpServerLimits"/>, requests on a connection
/// are answered in order (pipelining works), and the same code runs on every platform.
/// </summary>
internal sealed class HttpServer : IDisposable
{
    private static readonly byte[] Continue = Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n");

    private readonly IHttpEndpoint _endpoint;
    private readonly HttpServerLimits _limits;
    private readonly X509Certificate2? _certificate;
    private readonly string? _hostName;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
    private readonly ConcurrentDictionary<Socket, Task> _connections = new ConcurrentDictionary<Socket, Task>();
    private long _bodyBytesInMemory;
    private Task? _accepting;

    /// <param name="endpoint">What is served.</param>
    /// <param name="address">The address to listen on.</param>
    /// <param name="port">The port; 0 takes a free one (see <see cref="Port"/>).</param>
    /// <param name="hostName">Requests for another Host are 404; null takes any.</param>
    /// <param name="certificate">Serves https with this certificate (and its private key); null serves http.</param>
    /// <param name="limits">The bounds.</param>
    public HttpServer(IHttpEndpoint endpoint, IPAddress address, int port, string? hostName, X509Certificate2? certificate, HttpServerLimits limits)
    {
        _endpoint = endpoint;
        _limits = limits;
        _certificate = certificate;
        _hostName = hostName;
        _listener = new TcpListener(address, port);
        if (address.Equals(IPAddress.IPv6Any)) _listener.Server.DualMode = true;
    }

    /// <summary>The port listened on, once started.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Body bytes held now by requests in progress.</summary>
    public long BodyBytesInMemory => Interlocked.Read(ref _bodyBytesInMemory);

    /// <summary>Connections open now.</summary>
    public int OpenConnections => _connections.Count;

    /// <summary>Binds and starts accepting; a SocketException when the address cannot be bound.</summary>
    public void Start()
    {
        _listener.Start(512);
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Stops accepting connections and closes idle ones; requests in progress are still answered.</summary>
    public void Stop()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        try
        {
            _listener.Stop();
        }
        catch (SocketException)
        {
            // Already stopped.
        }
    }

    public void Dispose()
    {
        Stop();
        try
        {
            _accepting?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends with the listener.
        }
        // Requests in progress finish their answers (the endpoint refuses what is left once closed);
        // whatever is still open after that is closed under them.
        var open = new List<Task>(_connections.Values);
        try
        {
            Task.WaitAll(open.ToArray(), TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // A connection's failure is its own.
        }
        foreach (var socket in _connections.Keys) Close(socket);
        // _stopping is not disposed: a connection closed just now may still ask for its token.
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException || ex is InvalidOperationException)
            {
                if (_stopping.IsCancellationRequested) return;
                continue; // one failed accept (a reset before it was taken) is not the end of the listener
            }
            if (_connections.Count >= _limits.MaxConnections)
            {
                RefuseAtOnce(socket, 503, "too many connections are open");
                continue;
            }
            var serving = new TaskCompletionSource<bool>();
            _connections[socket] = serving.Task;
            _ = ServeAndForgetAsync(socket, serving);
        }
    }

    private async Task ServeAndForgetAsync(Socket socket, TaskCompletionSource<bool> serving)
    {
        try
        {
            await ServeAsync(socket).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException || ex is SocketException || ex is ObjectDisposedException || ex is AuthenticationException || ex is InvalidOperationException)
        {
            // The caller went away or broke the protocol: there is no one left to answer.
        }
        finally
        {
            Close(socket);
            _connections.TryRemove(socket, out _);
            serving.TrySetResult(true);
        }
    }

    /// <summary>Answers without reading anything: the answer is far smaller than a socket's send buffer, so this never waits.</summary>
    private void RefuseAtOnce(Socket socket, int status, string why)
    {
        var remote = Remote(socket);
        try
        {
            socket.Send(Format(new HttpAnswer(status), close: true));
        }
        catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException)
        {
            // Gone already.
        }
        Close(socket);
        _endpoint.Refused(status, why, remote);
    }

    private static void Close(Socket socket)
    {
        try
        {
            socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
            // Closed already.
        }
    }

    private static string Remote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() ?? "an unknown address";
        }
        catch (ObjectDisposedException)
        {
            return "a closed connection";
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        socket.NoDelay = true;
        var remote = Remote(socket);
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (_certificate != null)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            stream = ssl;
            var handshake = ssl.AuthenticateAsServerAsync(_certificate, false, SslProtocols.None, false);
            if (!await Within(handshake, Task.Delay(_limits.RequestTimeout, _stopping.Token)).ConfigureAwait(false))
            {
                _endpoint.Refused(408, "its TLS handshake took too long", remote);
                return;
            }
            await handshake.ConfigureAwait(false);
        }
        using (stream)
        {
            var connection = new Connection(stream, socket, _limits.MaxHeadBytes);
            while (!_stopping.IsCancellationRequested)
            {
                // Between requests: wait for the next one's first byte, or close an idle connection quietly.
                if (connection.Buffered == 0)
                {
                    var idle = Task.Delay(_limits.IdleTimeout, _stopping.Token);
                    if (await connection.FillAsync(idle).ConfigureAwait(false) <= 0) return;
                }
                var deadline = Task.Delay(_limits.RequestTimeout, _stopping.Token);
                if (!await ServeRequestAsync(connection, deadline, remote).ConfigureAwait(false)) return;
            }
        }
    }

    /// <summary>One request, from its first byte to its answer; false when the connection must close.</summary>
    private async Task<bool> ServeRequestAsync(Connection connection, Task deadline, string remote)
    {
        HttpRequestHead head;
        try
        {
            var headLength = await connection.ReadHeadAsync(deadline).ConfigureAwait(false);
            if (headLength < 0) return await TimedOutAsync(connection, "its headers did not arrive in time", remote).ConfigureAwait(false);
            if (headLength == 0) return false; // closed between requests
            head = HttpRequestHead.Parse(connection.Buffer, connection.Start, headLength);
            connection.Consume(headLength + 4);
        }
        catch (HttpProtocolException ex)
        {
            return await RefuseAsync(connection, ex.Status, ex.Message, remote).ConfigureAwait(false);
        }

        if (_hostName != null && !string.Equals(HostOf(head), _hostName, StringComparison.OrdinalIgnoreCase))
            return await AnswerAsync(connection, head, new HttpAnswer(404), deadline, close: head.HasBody).ConfigureAwait(false);

        if (_endpoint.Admit(head, remote) is { } early)
        {
            // The body was not read, so the connection cannot carry another request.
            var open = await AnswerAsync(connection, head, early, deadline, close: head.HasBody).ConfigureAwait(false);
            if (head.HasBody) await connection.LingerAsync().ConfigureAwait(false);
            return open;
        }

        if (head.ContentLength > _endpoint.MaxBodyBytes)
            return await RefuseAsync(connection, 413, $"its body is over {_endpoint.MaxBodyBytes} bytes", remote).ConfigureAwait(false);
        if (head.ExpectsContinue && head.HasBody && !await connection.WriteAsync(Continue, deadline).ConfigureAwait(false)) return false;

        var reservation = new Reservation(this);
        var body = new RequestBody(reservation);
        try
        {
            var complete = head.Chunked
                ? await connection.ReadChunkedAsync(_endpoint.MaxBodyBytes, body, deadline).ConfigureAwait(false)
                : await connection.ReadBodyAsync((int)(head.ContentLength ?? 0), body, deadline).ConfigureAwait(false);
            if (!complete) return await TimedOutAsync(connection, "its body did not arrive in time", remote).ConfigureAwait(false);
            var answer = await _endpoint.HandleAsync(head, body, remote).ConfigureAwait(false);
            return await AnswerAsync(connection, head, answer, deadline).ConfigureAwait(false) && head.KeepAlive && !_stopping.IsCancellationRequested;
        }
        catch (BodyRefusedException ex)
        {
            return await RefuseAsync(connection, ex.Status, ex.Message, remote).ConfigureAwait(false);
        }
        catch (HttpProtocolException ex)
        {
            return await RefuseAsync(connection, ex.Status, ex.Message, remote).ConfigureAwait(false);
        }
        finally
        {
            body.Release();
            reservation.Release();
        }
    }

    private static string HostOf(HttpRequestHead head)
    {
        var host = head.Values("Host") is { Count: 1 } h ? h[0] : "";
        if (host.StartsWith("[", StringComparison.Ordinal)) return host.Substring(0, host.IndexOf(']') + 1);
        var colon = host.IndexOf(':');
        return colon < 0 ? host : host.Substring(0, colon);
    }

    private async Task<bool> TimedOutAsync(Connection connection, string why, string remote)
    {
        if (_stopping.IsCancellationRequested) return false;
        return await RefuseAsync(connection, 408, why, remote).ConfigureAwait(false);
    }

    /// <summary>Refuses with <paramref name="status"/>, closes, and tells the endpoint; always false.</summary>
    private async Task<bool> RefuseAsync(Connection connection, int status, string why, string remote)
    {
        _endpoint.Refused(status, why, remote);
        // A short answer to a caller that may not read it: a second's grace, then the connection closes anyway.
        if (await connection.WriteAsync(Format(new HttpAnswer(status), close: true), Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false))
            await connection.LingerAsync().ConfigureAwait(false);
        return false;
    }

    private async Task<bool> AnswerAsync(Connection connection, HttpRequestHead head, HttpAnswer answer, Task deadline, bool close = false)
    {
        var closing = close || !head.KeepAlive || _stopping.IsCancellationRequested;
        // The answer may be written after the request's own deadline (the endpoint waited for the
        // consumer); a caller that does not read it gets the same time again, no more.
        var writeDeadline = deadline.IsCompleted ? Task.Delay(_limits.RequestTimeout) : deadline;
        return await connection.WriteAsync(Format(answer, closing, head.Method == "HEAD"), writeDeadline).ConfigureAwait(false) && !closing;
    }

    internal static byte[] Format(HttpAnswer answer, bool close, bool headOnly = false)
    {
        var body = Encoding.UTF8.GetBytes(answer.Text);
        var sb = new StringBuilder(160);
        sb.Append("HTTP/1.1 ").Append(answer.Status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Reason(answer.Status)).Append("\r\n");
        sb.Append("Content-Type: text/plain; charset=utf-8\r\n");
        sb.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        foreach (var (name, value) in answer.Headers) sb.Append(name).Append(": ").Append(value).Append("\r\n");
        if (close) sb.Append("Connection: close\r\n");
        sb.Append("\r\n");
        var headBytes = Encoding.ASCII.GetBytes(sb.ToString());
        if (headOnly || body.Length == 0) return headBytes;
        var all = new byte[headBytes.Length + body.Length];
        Buffer.BlockCopy(headBytes, 0, all, 0, headBytes.Length);
        Buffer.BlockCopy(body, 0, all, headBytes.Length, body.Length);
        return all;
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        417 => "Expectation Failed",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    };

    /// <summary>True when <paramref name="work"/> finished first; its failure is observed either way.</summary>
    internal static async Task<bool> Within(Task work, Task deadline)
    {
        if (await Task.WhenAny(work, deadline).ConfigureAwait(false) == work) return true;
        _ = work.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
        return false;
    }

    /// <summary>Body bytes charged against <see cref="HttpServerLimits.MaxBodyBytesInMemory"/> as they arrive, given back when the request is answered.</summary>
    internal sealed class Reservation
    {
        private readonly HttpServer _server;
        private long _held;

        public Reservation(HttpServer server) => _server = server;

        public void Take(int bytes)
        {
            if (Interlocked.Add(ref _server._bodyBytesInMemory, bytes) > _server._limits.MaxBodyBytesInMemory)
            {
                Interlocked.Add(ref _server._bodyBytesInMemory, -bytes);
                throw new BodyRefusedException(503, "the bodies already being received fill the memory allowed for them");
            }
            _held += bytes;
        }

        public void Release()
        {
            Interlocked.Add(ref _server._bodyBytesInMemory, -_held);
            _held = 0;
        }
    }

    internal sealed class BodyRefusedException : Exception
    {
        public BodyRefusedException(int status, string why) : base(why) => Status = status;

        public int Status { get; }
    }

    /// <summary>A connection's stream and the bytes read from it but not used yet (a pipelined request's start).</summary>
    private sealed class Connection
    {
        private readonly Stream _stream;

        private readonly Socket _socket;

        public Connection(Stream stream, Socket socket, int maxHeadBytes)
        {
            _stream = stream;
            _socket = socket;
            // Room for the head and its empty line; a body is read into its own array.
            Buffer = new byte[maxHeadBytes + 4];
        }

        public byte[] Buffer { get; }
        public int Start { get; private set; }
        public int End { get; private set; }
        public int Buffered => End - Start;

        public void Consume(int count) => Start += count;

        /// <summary>Reads more into the buffer: the count, 0 at the end of the stream, -1 past the deadline.</summary>
        public async Task<int> FillAsync(Task deadline)
        {
            if (Start > 0)
            {
                System.Buffer.BlockCopy(Buffer, Start, Buffer, 0, End - Start);
                End -= Start;
                Start = 0;
            }
            if (End == Buffer.Length) return 0;
            var read = _stream.ReadAsync(Buffer, End, Buffer.Length - End);
            if (!await Within(read, deadline).ConfigureAwait(false)) return -1;
            var n = await read.ConfigureAwait(false);
            End += n;
            return n;
        }

        /// <summary>The head's length (up to the empty line), 0 if the stream ended before a request began, -1 past the deadline.</summary>
        public async Task<int> ReadHeadAsync(Task deadline)
        {
            var searched = 0;
            while (true)
            {
                // Empty lines before a request line are allowed (RFC 9112 2.2).
                while (Buffered >= 2 && Buffer[Start] == '\r' && Buffer[Start + 1] == '\n') Start += 2;
                for (var i = Start + Math.Max(0, searched - 3); i + 3 < End; i++)
                    if (Buffer[i] == '\r' && Buffer[i + 1] == '\n' && Buffer[i + 2] == '\r' && Buffer[i + 3] == '\n') return i - Start;
                searched = Buffered;
                if (Buffered >= Buffer.Length - 4) throw new HttpProtocolException(431, "headers over the size allowed");
                var n = await FillAsync(deadline).ConfigureAwait(false);
                if (n < 0) return -1;
                if (n == 0)
                {
                    if (Buffered == 0) return 0;
                    throw new HttpProtocolException(400, "headers cut off by the end of the connection");
                }
            }
        }

        /// <summary>Exactly <paramref name="length"/> body bytes into <paramref name="body"/>; false past the deadline.</summary>
        public async Task<bool> ReadBodyAsync(int length, RequestBody body, Task deadline)
        {
            while (body.Length < length)
            {
                if (Buffered == 0)
                {
                    var n = await FillAsync(deadline).ConfigureAwait(false);
                    if (n < 0) return false;
                    if (n == 0) throw new HttpProtocolException(400, "a body cut off by the end of the connection");
                }
                var take = Math.Min(Buffered, length - body.Length);
                body.Append(Buffer, Start, take);
                Start += take;
            }
            return true;
        }

        /// <summary>A chunked body, at most <paramref name="max"/> bytes, into <paramref name="body"/>; false past the deadline.</summary>
        public async Task<bool> ReadChunkedAsync(int max, RequestBody body, Task deadline)
        {
            while (true)
            {
                var line = await ReadLineAsync(deadline).ConfigureAwait(false);
                if (line == null) return false;
                var semicolon = line.IndexOf(';');
                var sizeText = (semicolon < 0 ? line : line.Substring(0, semicolon)).Trim();
                if (sizeText.Length == 0 || sizeText.Length > 8 || !int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
                    throw new HttpProtocolException(400, "a malformed chunk size");
                if (size == 0)
                {
                    // Trailer lines, up to the empty one.
                    while (true)
                    {
                        var trailer = await ReadLineAsync(deadline).ConfigureAwait(false);
                        if (trailer == null) return false;
                        if (trailer.Length == 0) return true;
                    }
                }
                if (body.Length + (long)size > max) throw new BodyRefusedException(413, $"its body is over {max} bytes");
                var remaining = size;
                while (remaining > 0)
                {
                    if (Buffered == 0)
                    {
                        var n = await FillAsync(deadline).ConfigureAwait(false);
                        if (n < 0) return false;
                        if (n == 0) throw new HttpProtocolException(400, "a body cut off by the end of the connection");
                    }
                    var take = Math.Min(Buffered, remaining);
                    body.Append(Buffer, Start, take);
                    Start += take;
                    remaining -= take;
                }
                var end = await ReadLineAsync(deadline).ConfigureAwait(false);
                if (end == null) return false;
                if (end.Length != 0) throw new HttpProtocolException(400, "a chunk longer than its size");
            }
        }

        private async Task<string?> ReadLineAsync(Task deadline)
        {
            while (true)
            {
                for (var i = Start; i + 1 < End; i++)
                {
                    if (Buffer[i] == '\r' && Buffer[i + 1] == '\n')
                    {
                        var line = HttpRequestHead.Latin1(Buffer, Start, i - Start);
                        Start = i + 2;
                        return line;
                    }
                }
                if (Buffered >= 1024) throw new HttpProtocolException(400, "a chunk line over 1 KiB");
                var n = await FillAsync(deadline).ConfigureAwait(false);
                if (n < 0) return null;
                if (n == 0) throw new HttpProtocolException(400, "a body cut off by the end of the connection");
            }
        }

        /// <summary>
        /// After an answer to a request whose body was not read: stops sending and reads (and drops)
        /// what the caller still sends, for a moment, so that closing does not reset the connection
        /// under a caller still sending, which would lose the answer (a lingering close).
        /// </summary>
        public async Task LingerAsync()
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException)
            {
                return;
            }
            var grace = Task.Delay(TimeSpan.FromSeconds(2));
            long dropped = 0;
            while (dropped < 2L * 1024 * 1024)
            {
                var read = _stream.ReadAsync(Buffer, 0, Buffer.Length);
                if (!await Within(read, grace).ConfigureAwait(false)) return;
                var n = await read.ConfigureAwait(false);
                if (n <= 0) return;
                dropped += n;
            }
        }

        /// <summary>Writes all of <paramref name="bytes"/>; false when the caller did not take them by the deadline.</summary>
        public async Task<bool> WriteAsync(byte[] bytes, Task deadline)
        {
            var write = _stream.WriteAsync(bytes, 0, bytes.Length);
            if (!await Within(write, deadline).ConfigureAwait(false)) return false;
            await write.ConfigureAwait(false);
            await _stream.FlushAsync().ConfigureAwait(false);
            return true;
        }
    }
}

/// <summary>
/// A request body as it arrived: pooled chunks, charged to the server's memory budget as they are
/// filled (not as declared), returned to the pool once the request is answered. A caller that
/// refuses the body (a wrong signature) never makes an array of it; one that takes it calls
/// <see cref="ToArray"/> once.
/// </summary>
internal sealed class RequestBody
{
    private const int ChunkBytes = 16 * 1024;
    private readonly HttpServer.Reservation? _reservation;
    private readonly List<byte[]> _chunks = new List<byte[]>();

    internal RequestBody(HttpServer.Reservation? reservation) => _reservation = reservation;

    /// <summary>A body already whole (for tests and callers outside the server).</summary>
    public static RequestBody Of(byte[] bytes)
    {
        var body = new RequestBody(null);
        body.Append(bytes, 0, bytes.Length);
        return body;
    }

    public int Length { get; private set; }

    /// <summary>The bytes, chunk by chunk, in order.</summary>
    public IEnumerable<ArraySegment<byte>> Segments
    {
        get
        {
            var left = Length;
            foreach (var chunk in _chunks)
            {
                var n = Math.Min(left, chunk.Length);
                yield return new ArraySegment<byte>(chunk, 0, n);
                left -= n;
            }
        }
    }

    internal void Append(byte[] source, int offset, int count)
    {
        while (count > 0)
        {
            var used = Length % ChunkBytes;
            if (used == 0 && Length / ChunkBytes == _chunks.Count)
            {
                _reservation?.Take(ChunkBytes);
                _chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkBytes));
            }
            var chunk = _chunks[_chunks.Count - 1];
            var n = Math.Min(count, ChunkBytes - used);
            Buffer.BlockCopy(source, offset, chunk, used, n);
            offset += n;
            count -= n;
            Length += n;
        }
    }

    public byte[] ToArray()
    {
        var all = new byte[Length];
        var at = 0;
        foreach (var segment in Segments)
        {
            Buffer.BlockCopy(segment.Array!, segment.Offset, all, at, segment.Count);
            at += segment.Count;
        }
        return all;
    }

    /// <summary>Gives the chunks back; the reservation is released by its owner.</summary>
    internal void Release()
    {
        foreach (var chunk in _chunks) ArrayPool<byte>.Shared.Return(chunk);
        _chunks.Clear();
        Length = 0;
    }
}
