using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Api;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests.Api;

/// <summary>
/// Every request the administration methods build is one Meta's OpenAPI file describes: the path
/// exists with that method, each query parameter is declared, and the JSON body's fields are
/// declared properties of the request schema (of one oneOf alternative), its required ones present.
/// Nested objects follow number-administration.md where it disagrees with the OpenAPI
/// (storage_configuration's status and data_localization_region, user_identity_change's
/// enable_identity_key_check), so only the top level is checked.
/// </summary>
public class OpenApiContractTests
{
    private static readonly Lazy<OpenApiDescription> Spec = new Lazy<OpenApiDescription>(() =>
        new OpenApiDescription(Path.Combine(AppContext.BaseDirectory, "openapi", "meta-business-messaging-openapi-v23.0.yaml")));

    private const string Waba = "114503234599312";
    private const string Number = "106540352242922";

    /// <summary>Runs <paramref name="act"/> against a server that answers each request as Graph would, and returns the requests with their bodies.</summary>
    private static async Task<List<(HttpRequestMessage Request, string? Body)>> Capture(Func<GraphClient, Task> act, string version = "v25.0")
    {
        var seen = new List<(HttpRequestMessage, string?)>();
        var handler = new FuncHandler(async req =>
        {
            var body = req.Content == null ? null : await req.Content.ReadAsStringAsync();
            lock (seen) seen.Add((req, body));
            var path = req.RequestUri!.AbsolutePath;
            var answer = req.Method == HttpMethod.Get
                ? (path.EndsWith("/settings") ? "{\"storage_configuration\":{\"status\":\"DEFAULT\"}}" : path.EndsWith("/whatsapp_business_profile") ? "{\"data\":[{}]}" : "{\"id\":\"" + Number + "\"}")
                : path.EndsWith("/phone_numbers") ? "{\"id\":\"1200000000000001\"}"
                : path.EndsWith("/uploads") ? "{\"id\":\"upload:MTphdHRhY2htZW50\"}"
                : path.Contains("/upload:") ? "{\"h\":\"4:bG9nby5wbmc=:aW1hZ2UvcG5n:ARZ\"}"
                : "{\"success\":true}";
            return Json(HttpStatusCode.OK, answer);
        });
        var client = new GraphClient(new GraphSettings(Secure(Token), version, new Uri(BaseUri), null, NoRetries), new HttpClient(handler), null);
        await act(client);
        return seen;
    }

    public static TheoryData<string, string, string> Requests => new TheoryData<string, string, string>
    {
        { "add a number", "POST", "/{Version}/{WABA-ID}/phone_numbers" },
        { "migrate a number", "POST", "/{Version}/{WABA-ID}/phone_numbers" },
        { "request a display name", "POST", "/{Version}/{Phone-Number-ID}" },
        { "read settings", "GET", "/{Version}/{Phone-Number-ID}/settings" },
        { "turn local storage on", "POST", "/{Version}/{Phone-Number-ID}/settings" },
        { "turn local storage off", "POST", "/{Version}/{Phone-Number-ID}/settings" },
        { "set the identity-key check", "POST", "/{Version}/{Phone-Number-ID}/settings" },
        { "read the profile", "GET", "/{Version}/{Phone-Number-ID}/whatsapp_business_profile" },
        { "set the profile", "POST", "/{Version}/{Phone-Number-ID}/whatsapp_business_profile" },
        { "read an account", "GET", "/{Version}/{WABA-ID}" },
        { "register without the v20 storage field", "POST", "/{Version}/{Phone-Number-ID}/register" },
    };

    private static Task<List<(HttpRequestMessage Request, string? Body)>> Send(string what) => what switch
    {
        "add a number" => Capture(c => c.AddPhoneNumberAsync(Waba, "1", "5550199001", "Jasper's Deli", false, CancellationToken.None)),
        "migrate a number" => Capture(c => c.AddPhoneNumberAsync(Waba, "1", "5550199001", "Jasper's Deli", true, CancellationToken.None)),
        "request a display name" => Capture(c => c.RequestDisplayNameAsync(Number, "Jasper's Fine Market", CancellationToken.None)),
        "read settings" => Capture(c => c.GetSettingsAsync(Number, CancellationToken.None)),
        "turn local storage on" => Capture(c => c.SetLocalStorageAsync(Number, "DE", CancellationToken.None)),
        "turn local storage off" => Capture(c => c.SetLocalStorageAsync(Number, null, CancellationToken.None)),
        "set the identity-key check" => Capture(c => c.SetIdentityKeyCheckAsync(Number, true, CancellationToken.None)),
        "read the profile" => Capture(c => c.GetBusinessProfileAsync(Number, CancellationToken.None)),
        "set the profile" => Capture(c => c.SetBusinessProfileAsync(Number, new BusinessProfileUpdate
        {
            About = "a",
            Address = "b",
            Description = "c",
            Email = "d@e.example",
            Websites = new[] { "https://e.example" },
            Vertical = "RETAIL",
            ProfilePictureHandle = "4:x",
        }, CancellationToken.None)),
        "read an account" => Capture(c => c.GetBusinessAccountAsync(Waba, CancellationToken.None)),
        "register without the v20 storage field" => Capture(c => c.RegisterAsync(Number, Secure("246810"), null, CancellationToken.None)),
        _ => throw new ArgumentOutOfRangeException(nameof(what)),
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task The_request_to_is_described_by_the_OpenAPI_file(string what, string method, string template)
    {
        var (request, body) = Assert.Single(await Send(what));

        Assert.Equal(method, request.Method.Method);
        Assert.True(Matches(request.RequestUri!.AbsolutePath, template), $"{request.RequestUri.AbsolutePath} is not {template}");
        var operation = Spec.Value.Operation(template, method);
        Assert.True(operation > 0, $"The OpenAPI file has no {method} {template}.");

        var declared = Spec.Value.Parameters(operation).Where(p => p.In == "query").Select(p => p.Name).ToList();
        foreach (var name in Query(request.RequestUri))
            Assert.True(declared.Contains(name), $"{what}: the query parameter '{name}' is not declared for {method} {template} (declared: {string.Join(", ", declared)}).");

        if (body == null) return;
        using var json = JsonDocument.Parse(body);
        var sent = json.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        var alternatives = Spec.Value.RequestBodies(operation);
        Assert.NotEmpty(alternatives);
        Assert.True(alternatives.Any(a => sent.All(a.Properties.Contains) && a.Required.All(sent.Contains)),
            $"{what}: the body fields {string.Join(", ", sent)} match no request schema of {method} {template}: " +
            string.Join(" | ", alternatives.Select(a => $"[{string.Join(", ", a.Properties)}] required [{string.Join(", ", a.Required)}]")));
    }

    [Fact]
    public void The_reader_sees_the_declared_fields_so_an_undeclared_one_would_fail()
    {
        var add = Spec.Value.RequestBodies(Spec.Value.Operation("/{Version}/{WABA-ID}/phone_numbers", "POST")).Single();
        Assert.Equal(new[] { "cc", "migrate_phone_number", "phone_number", "preverified_id", "verified_name" }, add.Properties.OrderBy(p => p));
        Assert.Equal(new[] { "phone_number", "verified_name" }, add.Required.OrderBy(p => p));

        var settings = Spec.Value.RequestBodies(Spec.Value.Operation("/{Version}/{Phone-Number-ID}/settings", "POST"));
        Assert.Equal(4, settings.Count);
        Assert.Contains(settings, a => a.Properties.Contains("storage_configuration"));
        Assert.DoesNotContain(settings, a => a.Properties.Contains("data_localization_region"));

        var fields = Spec.Value.Parameters(Spec.Value.Operation("/{Version}/{WABA-ID}", "GET"));
        Assert.Contains(("fields", "query"), fields);
        Assert.Equal(-1, Spec.Value.Operation("/{Version}/{WABA-ID}/phone_numbers", "DELETE"));
    }

    [Fact]
    public async Task The_settings_take_one_feature_per_request()
    {
        foreach (var what in new[] { "turn local storage on", "set the identity-key check" })
        {
            var (_, body) = Assert.Single(await Send(what));
            using var json = JsonDocument.Parse(body!);
            Assert.Single(json.RootElement.EnumerateObject());
        }
    }

    [Fact]
    public async Task The_local_storage_body_is_the_one_Meta_documents_for_v21_and_later()
    {
        var (_, on) = Assert.Single(await Send("turn local storage on"));
        var (_, off) = Assert.Single(await Send("turn local storage off"));

        Assert.Equal("{\"storage_configuration\":{\"status\":\"IN_COUNTRY_STORAGE_ENABLED\",\"data_localization_region\":\"DE\"}}", on);
        Assert.Equal("{\"storage_configuration\":{\"status\":\"DEFAULT\"}}", off);
    }

    [Fact]
    public async Task A_profile_change_sends_only_the_given_fields()
    {
        var (_, body) = Assert.Single(await Capture(c => c.SetBusinessProfileAsync(Number, new BusinessProfileUpdate { About = "Open 8 to 8" }, CancellationToken.None)));

        Assert.Equal("{\"messaging_product\":\"whatsapp\",\"about\":\"Open 8 to 8\"}", body);
    }

    [Fact]
    public async Task The_upload_API_which_the_OpenAPI_file_does_not_describe_is_called_as_Graphs_upload_guide_says()
    {
        Assert.DoesNotContain(Spec.Value.Paths, p => p.EndsWith("/uploads", StringComparison.Ordinal) || p.Contains("upload:"));
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

        var requests = await Capture(c => c.UploadAsync("875629473610042", "logo.png", png, "image/png", CancellationToken.None));

        Assert.Equal(2, requests.Count);
        var (open, _) = requests[0];
        Assert.Equal("/v25.0/875629473610042/uploads", open.RequestUri!.AbsolutePath);
        var query = System.Web.HttpUtility.ParseQueryString(open.RequestUri.Query);
        Assert.Equal("logo.png", query["file_name"]);
        Assert.Equal("8", query["file_length"]);
        Assert.Equal("image/png", query["file_type"]);
        var (send, _) = requests[1];
        Assert.Equal("/v25.0/upload:MTphdHRhY2htZW50", send.RequestUri!.AbsolutePath);
        Assert.Equal("OAuth", send.Headers.Authorization!.Scheme);
        Assert.Equal("0", send.Headers.GetValues("file_offset").Single());
    }

    [Fact]
    public async Task An_upload_session_that_is_not_one_is_not_followed()
    {
        var handler = new FuncHandler(req => Task.FromResult(Json(HttpStatusCode.OK, "{\"id\":\"../../me/feed\"}")));
        var client = new GraphClient(new GraphSettings(Secure(Token), "v25.0", new Uri(BaseUri), null, NoRetries), new HttpClient(handler), null);

        await Assert.ThrowsAsync<GraphApiException>(() => client.UploadAsync("875629473610042", "logo.png", new byte[] { 1 }, "image/png", CancellationToken.None));
    }

    private static bool Matches(string path, string template)
    {
        var p = path.Trim('/').Split('/');
        var t = template.Trim('/').Split('/');
        return p.Length == t.Length && p.Zip(t, (a, b) => b.StartsWith("{", StringComparison.Ordinal) || a == b).All(x => x);
    }

    private static IEnumerable<string> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries).Select(p => Uri.UnescapeDataString(p.Split('=')[0]));
}
