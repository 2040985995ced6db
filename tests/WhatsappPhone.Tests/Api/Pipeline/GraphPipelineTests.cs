using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Api;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests;

/// <summary>A token Graph refuses ends the client's work at once: the rest fails with the same error, unsent.</summary>
public class GraphPipelineTests
{
    private static (GraphClient Client, Func<int> Count) Answering(int status, string body)
    {
        var n = 0;
        var http = new HttpClient(new FuncHandler(async _ =>
        {
            Interlocked.Increment(ref n);
            await Task.Delay(5);
            return Json((HttpStatusCode)status, body);
        }));
        return (Client(http), () => n);
    }

    private const string Expired = "{\"error\":{\"message\":\"Error validating access token: Session has expired\",\"type\":\"OAuthException\",\"code\":190,\"error_subcode\":463,\"fbtrace_id\":\"T\"}}";

    [Theory]
    [InlineData(401, Expired, "WaApi.190.463")]
    [InlineData(403, "{\"error\":{\"message\":\"(#200) Requires whatsapp_business_management permission\",\"type\":\"OAuthException\",\"code\":200}}", "WaApi.200")]
    public async Task After_the_token_is_refused_200_requests_fail_with_the_same_error_and_at_most_the_concurrent_ones_are_sent(int status, string body, string errorId)
    {
        var (client, count) = Answering(status, body);
        using var slots = new SemaphoreSlim(32);
        var failures = await Task.WhenAll(Enumerable.Range(1, 200).Select(async i =>
        {
            await slots.WaitAsync();
            try
            {
                return await Assert.ThrowsAsync<GraphApiException>(() => client.GetPhoneNumberAsync(i.ToString(), new[] { "id" }, null, CancellationToken.None));
            }
            finally
            {
                slots.Release();
            }
        }));
        Assert.All(failures, f => Assert.Equal(errorId, f.ErrorId));
        Assert.All(failures, f => Assert.Equal(failures[0].Message, f.Message));
        Assert.InRange(count(), 1, 32 + 3);
    }

    [Fact]
    public async Task A_refused_token_stops_register_too_without_sending_it()
    {
        var (client, count) = Answering(401, Expired);
        await Assert.ThrowsAsync<GraphApiException>(() => client.GetPhoneNumberAsync("1", new[] { "id" }, null, CancellationToken.None));
        var ex = await Assert.ThrowsAsync<GraphApiException>(() => client.RegisterAsync("2", Secure("123456"), null, CancellationToken.None));
        Assert.Equal(190, ex.Code);
        Assert.Equal("POST /v25.0/2/register", ex.Request);
        Assert.Equal(1, count());
    }

    [Fact]
    public async Task An_unknown_id_does_not_stop_the_others()
    {
        var (client, count) = Answering(400, "{\"error\":{\"message\":\"Unsupported get request.\",\"type\":\"GraphMethodException\",\"code\":100,\"error_subcode\":33}}");
        for (var i = 0; i < 3; i++)
            await Assert.ThrowsAsync<GraphApiException>(() => client.GetPhoneNumberAsync(i.ToString(), new[] { "id" }, null, CancellationToken.None));
        Assert.Equal(3, count());
    }

    [Fact]
    public void A_pipeline_of_200_ids_with_a_revoked_token_sends_at_most_throttle_limit_and_a_few_requests()
    {
        using var server = new LoopbackServer((_, _) => Reply.Json(Expired, 401));
        var iss = System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2();
        iss.ImportPSModule(typeof(WhatsappPhone.Cmdlets.GetWaPhoneNumberCommand).Assembly.Location);
        using var runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript($"Connect-WaAccount -AccessToken revoked -BaseUri {server.BaseUri}; 1..200 | ForEach-Object {{ \"$(100000 + $_)\" }} | Get-WaPhoneNumber -ThrottleLimit 8");
        ps.Invoke();
        var errors = ps.Streams.Error.ToArray();
        Assert.Equal(200, errors.Length);
        Assert.All(errors, e => Assert.StartsWith("WaApi.190.463,", e.FullyQualifiedErrorId));
        Assert.All(errors, e => Assert.Equal(System.Management.Automation.ErrorCategory.AuthenticationError, e.CategoryInfo.Category));
        Assert.InRange(server.Requests, 1, 8 + 3);
    }
}
