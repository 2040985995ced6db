namespace WhatsappPhone.Api;

/// <summary>Where the client reports what it does: one line per request (debug) and each retry or pause (verbose). Never a secret.</summary>
internal interface IGraphLog
{
    void Debug(string line);
    void Verbose(string line);
}
