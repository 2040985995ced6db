# The webhook intake, dot-sourced by Invoke-Benchmark.ps1 (it uses $ModulePath, $pwshDll, $Rounds,
# Add-Result and Median from there).
#
# 5. Throughput: 10,000 signed notifications over 8 keep-alive connections into
#    Receive-WaWebhook | Out-Null (a consumer that keeps up; each 200 only once the event was
#    written), against a minimal compiled endpoint that checks the HMAC, parses the JSON and answers
#    200 at once (what an endpoint that acknowledges before handing over does: the fastest possible,
#    and unsafe). The issue's floor: at least 2,000 a second.
# 6. Slow callers: the time to answer one signed notification while 200 connections dribble their
#    bodies a byte a second, against the same without them. The issue's bound: under 2 s.
# 7. The spool: 2,000 signed notifications over 8 keep-alive connections into Receive-WaWebhook
#    -SpoolPath | Out-Null (each 200 once its file and the folder are flushed to disk; each file
#    read back and removed once its event was written), against a minimal endpoint that writes each
#    body to a file of its own and flushes the file and the folder before its 200. Disk-bound.

$webhookCode = @'
using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

public static class WebhookBench
{
    public static string Secret = "bench-app-secret";

    public static string Body(int n) =>
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"114503234599312\",\"time\":" + (1739321024 + n) +
        ",\"changes\":[{\"field\":\"security\",\"value\":{\"display_phone_number\":\"15550783881\",\"event\":\"PIN_CHANGED\",\"requester\":\"n" + n + "\"}}]}]}";

    public static string Sign(byte[] body)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        return "sha256=" + Convert.ToHexString(hmac.ComputeHash(body)).ToLowerInvariant();
    }

    public static void WaitUntilListening(string uri)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 2400; i++)
        {
            try { http.PostAsync(uri, new StringContent("{}")).GetAwaiter().GetResult(); return; }
            catch (HttpRequestException) { Thread.Sleep(25); }
        }
        throw new InvalidOperationException("The endpoint never listened.");
    }

    /// <summary>Sends notifications first..first+count-1 over exactly <paramref name="connections"/> keep-alive connections; milliseconds for all, every answer 200.</summary>
    public static double Flood(string uri, int first, int count, int connections)
    {
        var bodies = Enumerable.Range(first, count).Select(n => Encoding.UTF8.GetBytes(Body(n))).ToArray();
        var signatures = bodies.Select(Sign).ToArray();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
        var next = -1;
        var failed = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(bodies[i]) };
                request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signatures[i]);
                using var response = await http.SendAsync(request).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref failed);
            }
        })).ToArray();
        Task.WaitAll(workers);
        if (failed > 0) throw new InvalidOperationException(failed + " notifications were not answered 200.");
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Median milliseconds to answer one signed notification, over <paramref name="times"/> sends.</summary>
    public static double AnswerTime(string uri, int first, int times)
    {
        using var http = new HttpClient();
        var ms = new double[times];
        for (var i = 0; i < times; i++)
        {
            var body = Encoding.UTF8.GetBytes(Body(first + i));
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
            request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", Sign(body));
            var clock = Stopwatch.StartNew();
            using var response = http.Send(request);
            ms[i] = clock.Elapsed.TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException("answered " + (int)response.StatusCode);
        }
        Array.Sort(ms);
        return ms[times / 2];
    }

    /// <summary>Opens <paramref name="count"/> connections that send a POST's head and then a byte a second; dispose to stop.</summary>
    public static IDisposable Dribble(int port, string path, int count)
    {
        var clients = new TcpClient[count];
        for (var i = 0; i < count; i++)
        {
            clients[i] = new TcpClient();
            clients[i].Connect(IPAddress.Loopback, port);
            var head = Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\nX-Hub-Signature-256: sha256={new string('0', 64)}\r\n\r\n");
            clients[i].GetStream().Write(head, 0, head.Length);
        }
        var timer = new Timer(_ => { foreach (var c in clients) try { c.GetStream().WriteByte((byte)'a'); } catch (Exception) { } }, null, 1000, 1000);
        return new Stop(() => { timer.Dispose(); foreach (var c in clients) c.Dispose(); });
    }

    private sealed class Stop : IDisposable
    {
        private readonly Action _stop;
        public Stop(Action stop) => _stop = stop;
        public void Dispose() => _stop();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "open")] private static extern int OpenFolder(string path, int flags);
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "fsync")] private static extern int Fsync(int descriptor);
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "close")] private static extern int Close(int descriptor);

    /// <summary>
    /// The spool's baseline: HttpListener, HMAC and JSON checked, the body written to a file of its
    /// own in <paramref name="folder"/>, the file and the folder flushed to disk, then 200. What any
    /// endpoint that keeps a notification across a power loss before acknowledging it must do.
    /// </summary>
    public static IDisposable MinimalSpoolEndpoint(string prefix, string folder)
    {
        System.IO.Directory.CreateDirectory(folder);
        long sequence = 0;
        return MinimalEndpoint(prefix, body =>
        {
            var path = System.IO.Path.Combine(folder, Interlocked.Increment(ref sequence).ToString("D12") + ".json");
            using (var file = new System.IO.FileStream(path, System.IO.FileMode.CreateNew, System.IO.FileAccess.Write))
            {
                file.Write(body, 0, body.Length);
                file.Flush(flushToDisk: true);
            }
            var descriptor = OpenFolder(folder, 0);
            Fsync(descriptor);
            Close(descriptor);
        });
    }

    /// <summary>The baseline: HttpListener, HMAC and JSON checked, (<paramref name="keep"/>, then) 200; returns a stopper.</summary>
    public static IDisposable MinimalEndpoint(string prefix, Action<byte[]> keep = null)
    {
        var listener = new HttpListener();
        listener.Prefixes.Add(prefix);
        listener.Start();
        Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync().ConfigureAwait(false); }
                catch (Exception) { return; }
                _ = Task.Run(async () =>
                {
                    using var buffer = new System.IO.MemoryStream();
                    await context.Request.InputStream.CopyToAsync(buffer).ConfigureAwait(false);
                    var body = buffer.ToArray();
                    var ok = context.Request.Headers["X-Hub-Signature-256"] == Sign(body);
                    if (ok)
                    {
                        using (JsonDocument.Parse(body)) { }
                        keep?.Invoke(body);
                    }
                    context.Response.StatusCode = ok ? 200 : 401;
                    context.Response.ContentLength64 = 0;
                    context.Response.Close();
                });
            }
        });
        return new Stop(() => listener.Stop());
    }
}
'@
$webhookCodePath = Join-Path $benchDir 'WebhookBench.cs'
Set-Content -LiteralPath $webhookCodePath -Value $webhookCode

Write-Host 'Webhook intake: 10,000 notifications over 8 keep-alive connections, and one among 200 slow callers...'
$intakeScript = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
Add-Type -Path '$webhookCodePath'
function Port { `$p = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); `$p.Start(); try { `$p.LocalEndpoint.Port } finally { `$p.Stop() } }
# Receive-WaWebhook on this thread, the load from another runspace; returns what the load measured.
function Module([scriptblock] `$load, [int] `$count) {
    `$prefix = "http://127.0.0.1:`$(Port)/hook/"
    `$ps = [powershell]::Create().AddScript(`$load).AddArgument(`$prefix)
    `$handle = `$ps.BeginInvoke()
    Receive-WaWebhook -Prefix `$prefix -AppSecret ([WebhookBench]::Secret) -Count `$count -TimeoutSec 300 | Out-Null
    try { `$ps.EndInvoke(`$handle)[-1] } finally { `$ps.Dispose() }
}
function Baseline([scriptblock] `$load) {
    `$prefix = "http://127.0.0.1:`$(Port)/hook/"
    `$endpoint = [WebhookBench]::MinimalEndpoint(`$prefix)
    try { & `$load `$prefix } finally { `$endpoint.Dispose() }
}
`$flood = { param(`$uri) [WebhookBench]::WaitUntilListening(`$uri); [WebhookBench]::Flood(`$uri, 1, 10000, 8) }
`$slow = {
    param(`$uri)
    [WebhookBench]::WaitUntilListening(`$uri)
    `$u = [uri]`$uri
    `$dribblers = [WebhookBench]::Dribble(`$u.Port, `$u.AbsolutePath, 200)
    try { [WebhookBench]::AnswerTime(`$uri, 1, 5) } finally { `$dribblers.Dispose() }
}
`$alone = { param(`$uri) [WebhookBench]::WaitUntilListening(`$uri); [WebhookBench]::AnswerTime(`$uri, 1, 5) }
`$null = Module `$flood 10000; `$null = Baseline `$flood
`$a = @(); `$b = @(); `$c = @(); `$d = @()
for (`$i = 0; `$i -lt $Rounds; `$i++) { `$a += Module `$flood 10000; `$b += Baseline `$flood; `$c += Module `$slow 5; `$d += Module `$alone 5 }
function Mid(`$v) { (`$v | Sort-Object)[[int][Math]::Floor(`$v.Count / 2)] }
Mid `$a; Mid `$b; Mid `$c; Mid `$d
"@
$lines = & dotnet $pwshDll -NoProfile -NonInteractive -Command $intakeScript
if ($LASTEXITCODE -ne 0) { throw "The webhook benchmark failed: $lines" }
$floodModule = [double]$lines[-4]; $floodBaseline = [double]$lines[-3]
$pair = [pscustomobject]@{ Module = $floodModule; Baseline = $floodBaseline }
Write-Host ("    Receive-WaWebhook: {0:N0} notifications a second (each 200 after its event was written); the minimal endpoint: {1:N0} a second" -f (10000 / $floodModule * 1000), (10000 / $floodBaseline * 1000))
# 2,000 a second is 5,000 ms for 10,000.
Add-Result '10,000 signed notifications, 8 keep-alive connections' 'ms' $pair 2 'HttpListener endpoint: HMAC, parse, 200 at once' -MaxModule 5000
$pair = [pscustomobject]@{ Module = [double]$lines[-2]; Baseline = [double]$lines[-1] }
Add-Result 'One notification answered among 200 callers dribbling a byte a second' 'ms' $pair 20 'the same with no slow caller' -MaxModule 2000

Write-Host 'Webhook spool: 2,000 notifications over 8 keep-alive connections, each on disk before its 200...'
$spoolRoot = Join-Path $benchDir 'spool'
$spoolScript = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
Add-Type -Path '$webhookCodePath'
function Port { `$p = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); `$p.Start(); try { `$p.LocalEndpoint.Port } finally { `$p.Stop() } }
function Folder { `$f = Join-Path '$spoolRoot' ([guid]::NewGuid().ToString('N')); `$f }
`$flood = { param(`$uri) [WebhookBench]::WaitUntilListening(`$uri); [WebhookBench]::Flood(`$uri, 1, 2000, 8) }
function Module {
    `$prefix = "http://127.0.0.1:`$(Port)/hook/"
    `$ps = [powershell]::Create().AddScript(`$flood).AddArgument(`$prefix)
    `$handle = `$ps.BeginInvoke()
    Receive-WaWebhook -Prefix `$prefix -AppSecret ([WebhookBench]::Secret) -Count 2000 -TimeoutSec 300 -SpoolPath (Folder) -WarningAction SilentlyContinue | Out-Null
    try { `$ps.EndInvoke(`$handle)[-1] } finally { `$ps.Dispose() }
}
function Baseline {
    `$prefix = "http://127.0.0.1:`$(Port)/hook/"
    `$endpoint = [WebhookBench]::MinimalSpoolEndpoint(`$prefix, (Folder))
    try { & `$flood `$prefix } finally { `$endpoint.Dispose() }
}
`$null = Module; `$null = Baseline
`$a = @(); `$b = @()
for (`$i = 0; `$i -lt $Rounds; `$i++) { `$a += Module; `$b += Baseline }
function Mid(`$v) { (`$v | Sort-Object)[[int][Math]::Floor(`$v.Count / 2)] }
Mid `$a; Mid `$b
"@
try {
    $lines = & dotnet $pwshDll -NoProfile -NonInteractive -Command $spoolScript
    if ($LASTEXITCODE -ne 0) { throw "The spool benchmark failed: $lines" }
}
finally { Remove-Item -LiteralPath $spoolRoot -Recurse -Force -ErrorAction SilentlyContinue }
$pair = [pscustomobject]@{ Module = [double]$lines[-2]; Baseline = [double]$lines[-1] }
Write-Host ("    Receive-WaWebhook -SpoolPath: {0:N0} notifications a second; the minimal durable endpoint: {1:N0} a second" -f (2000 / $pair.Module * 1000), (2000 / $pair.Baseline * 1000))
Add-Result '2,000 notifications with -SpoolPath, 8 connections' 'ms' $pair 2 'HttpListener endpoint: a file each, file and folder flushed, 200'
