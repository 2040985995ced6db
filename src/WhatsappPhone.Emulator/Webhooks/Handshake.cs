using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using WhatsappPhone.Emulator.Graph;

namespace WhatsappPhone.Emulator.Webhooks;

/// <summary>
/// Meta's verification request before it accepts a callback: GET with hub.mode=subscribe,
/// hub.challenge and hub.verify_token; the answer must be 200 with the challenge as the whole body.
/// Failures carry Graph's codes and wording (2200 for the request, 2201 for a wrong echo).
/// </summary>
public static class Handshake
{
    private const int MaxEcho = 4096;

    /// <summary>Null when the callback answered the challenge; otherwise Graph's refusal.</summary>
    public static async Task<GraphError?> VerifyAsync(HttpClient http, Uri callback, string verifyToken, CancellationToken cancellationToken)
    {
        if (!IsLocal(callback))
        {
            return Failed($"curl_errno = 6; curl_error = the emulator verifies callbacks on this machine only (localhost, 127.0.0.1, ::1), not {callback.Host}");
        }
        var challenge = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        var separator = string.IsNullOrEmpty(callback.Query) ? "?" : "&";
        var url = new Uri(callback.GetLeftPart(UriPartial.Query) + separator +
                          $"hub.mode=subscribe&hub.challenge={challenge}&hub.verify_token={Uri.EscapeDataString(verifyToken)}");
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return Failed($"HTTP Status Code = {(int)response.StatusCode}; HTTP Message = {response.ReasonPhrase}");
            }
            var echo = await ReadBoundedAsync(response, cancellationToken);
            return echo == challenge
                ? null
                : new GraphError(400, $"(#2201) response does not match challenge, expected value=\"{challenge}\", received=\"{Shorten(echo)}\"", 2201);
        }
        catch (HttpRequestException e)
        {
            return Failed($"curl_errno = 7; curl_error = Failed to connect to {callback.Host} port {callback.Port}: {e.HttpRequestError}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed("curl_errno = 28; curl_error = Operation timed out");
        }
    }

    public static bool IsLocal(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static GraphError Failed(string what) => new(400, $"(#2200) Callback verification failed with the following errors: {what}", 2200);

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxEcho];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellationToken) is > 0 and var n) read += n;
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static string Shorten(string s) => s.Length <= 100 ? s : s[..100];
}
