using System.Net;
using WhatsappPhone.Api;
using WhatsappPhone.Cmdlets;
using Xunit;

namespace WhatsappPhone.Tests.Base;

/// <summary>Advice that names this module's cmdlets, added to Graph's errors.</summary>
public class ErrorRecordsTests
{
    private const string Number = "106540352242922";

    [Fact]
    public void Error_100_must_be_subscribed_gets_advice_naming_Register_WaWebhookSubscription()
    {
        // The answer chatwoot #12488 recorded from Meta.
        var ex = new GraphApiException("(#100) Before override the current callback uri, your app must be subscribed to receive messages for WhatsApp Business Account", HttpStatusCode.BadRequest)
        {
            Code = 100,
            GraphMessage = "(#100) Before override the current callback uri, your app must be subscribed to receive messages for WhatsApp Business Account",
        };

        var record = ErrorRecords.FromGraph(ex, Number);

        Assert.Contains("Register-WaWebhookSubscription", record.ErrorDetails.Message);
        Assert.Null(ErrorRecords.CmdletAdvice(new GraphApiException("(#100) Invalid parameter") { Code = 100, GraphMessage = "(#100) Invalid parameter" }));
    }
}
