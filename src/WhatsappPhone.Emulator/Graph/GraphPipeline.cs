using System.Globalization;
using System.Text.Json.Nodes;
using WhatsappPhone.Emulator.Control;
using WhatsappPhone.Emulator.State;

namespace WhatsappPhone.Emulator.Graph;

/// <summary>
/// What every Graph request goes through before and after its endpoint: latency, faults, version and
/// token checks, Graph's response headers, the request log, and truncation. The response is buffered
/// so headers and Content-Length can be settled after the endpoint ran.
/// </summary>
public static class GraphPipeline
{
    public static async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var state = http.RequestServices.GetRequiredService<EmulatorState>();
        if (http.Request.Path.StartsWithSegments(ControlEndpoints.Prefix))
        {
            await Serialised(state, http, () => next(http));
            return;
        }

        if (state.LatencyMs is > 0 and var latency) await Task.Delay(latency, http.RequestAborted);
        var call = await GraphCall.ReadAsync(http);
        http.Items[typeof(GraphCall)] = call;

        FaultRule? fault = null;
        await Serialised(state, http, () =>
        {
            fault = state.Faults.Take(http.Request.Method, http.Request.Path.Value ?? "/", state.Clock.Now);
            // A dropped request never reaches the answering part below, so it is logged here.
            if (fault is { Kind: FaultKind.Drop }) Log(state, call, 0, fault);
            return Task.CompletedTask;
        });
        if (fault is { Kind: FaultKind.Drop })
        {
            http.Abort();
            return;
        }
        if (fault is { Kind: FaultKind.Delay, DelayMs: var delay })
        {
            try
            {
                await Task.Delay(delay ?? 0, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up waiting (its timeout): the attempt still counts, with no status.
                Log(state, call, 0, fault);
                return;
            }
        }

        var network = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await Serialised(state, http, async () =>
            {
                var (regainMinutes, retryAfter) = fault?.TimeToRegain(state.Clock.Now) ?? (0, null);
                WriteHeaders(http, call, state, fault, regainMinutes);
                if (retryAfter is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await AnswerAsync(http, call, state, fault, next);
                Log(state, call, http.Response.StatusCode, fault);
            });
        }
        finally
        {
            http.Response.Body = network;
        }

        ReadOnlyMemory<byte> body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var answered = http.Response.StatusCode == StatusCodes.Status200OK;
        switch (fault?.Kind)
        {
            case FaultKind.Truncated:
                body = body[..(body.Length / 2)];
                break;
            case FaultKind.Loop when answered:
                body = FaultBodies.Loop(body, http.Request, fault.LoopTo);
                break;
            case FaultKind.Slow:
                await FaultBodies.DribbleAsync(http, network, body, fault.ChunkBytes ?? 64, fault.DelayMs ?? 0);
                return;
            case FaultKind.Huge when answered:
                await FaultBodies.WriteHugeAsync(http, network, body, fault.SizeBytes!.Value);
                return;
            case FaultKind.GzipBomb when answered:
                await FaultBodies.WriteGzipBombAsync(http, network, body, fault.SizeBytes!.Value);
                return;
        }
        http.Response.ContentLength = body.Length;
        await network.WriteAsync(body, http.RequestAborted);
    }

    /// <summary>One request at a time touches the state; see <see cref="EmulatorState.Gate"/>.</summary>
    private static async Task Serialised(EmulatorState state, HttpContext http, Func<Task> action)
    {
        await state.Gate.WaitAsync(http.RequestAborted);
        try
        {
            await action();
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private static async Task AnswerAsync(HttpContext http, GraphCall call, EmulatorState state, FaultRule? fault, RequestDelegate next)
    {
        switch (fault?.Kind)
        {
            case FaultKind.Graph:
                await call.Fail(fault.ToGraphError()).ExecuteAsync(http);
                return;
            case FaultKind.Html:
                http.Response.StatusCode = fault.HttpStatus;
                http.Response.ContentType = "text/html";
                await http.Response.WriteAsync(fault.HtmlPage(), http.RequestAborted);
                return;
            case FaultKind.Empty:
                http.Response.StatusCode = fault.HttpStatus;
                return;
        }

        var refusal = call.Version is null
            ? GraphErrors.UnknownPath(http.Request.Path.Value ?? "/")
            : call.PresentedToken is not { } token ? GraphErrors.MissingToken()
            : token != state.Token ? GraphErrors.InvalidToken()
            : call.BodyError;
        if (refusal is not null)
        {
            await call.Fail(refusal).ExecuteAsync(http);
            return;
        }
        await next(http);
    }

    private static void WriteHeaders(HttpContext http, GraphCall call, EmulatorState state, FaultRule? fault, int regainMinutes)
    {
        var wabaId = call.ObjectId is { } id ? state.World.WabaOf(id) : null;
        var active = wabaId is not null && state.World.Waba(wabaId) is { } w && w.PhoneNumbers.Exists(n => n.IsRegistered);
        var (app, waba) = state.Usage.Record(wabaId, active, state.Clock.Now);
        if (fault?.AppUsagePercent is { } appPercent) app = new Usage(appPercent, appPercent, appPercent);
        if (fault?.BusinessUsagePercent is { } wabaPercent && waba is not null) waba = new Usage(wabaPercent, wabaPercent, wabaPercent);
        var headers = http.Response.Headers;
        headers["X-Fb-Trace-Id"] = call.TraceId;
        headers["X-Fb-Request-Id"] = call.RequestId;
        headers["Facebook-Api-Version"] = call.ServedVersion;
        headers["X-App-Usage"] = new JsonObject
        {
            ["call_count"] = app.CallCount,
            ["total_cputime"] = app.TotalCputime,
            ["total_time"] = app.TotalTime,
        }.ToJsonString();
        if (wabaId is not null && waba is { } usage)
        {
            headers["X-Business-Use-Case-Usage"] = new JsonObject
            {
                [wabaId] = new JsonArray(new JsonObject
                {
                    ["type"] = "whatsapp_business_management",
                    ["call_count"] = usage.CallCount,
                    ["total_cputime"] = usage.TotalCputime,
                    ["total_time"] = usage.TotalTime,
                    ["estimated_time_to_regain_access"] = regainMinutes,
                }),
            }.ToJsonString();
        }
    }

    private static void Log(EmulatorState state, GraphCall call, int status, FaultRule? fault)
    {
        var request = call.Http.Request;
        state.Requests.Add(new RequestLogEntry(
            request.Method,
            request.Path.Value ?? "/",
            RequestLog.Redact(request.QueryString.Value?.TrimStart('?') ?? "")!,
            RequestLog.Redact(call.RawBody),
            status,
            state.Clock.Now,
            fault?.Kind.ToString().ToLowerInvariant()));
    }
}
