using System;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Api.Pipeline;
using WhatsappPhone.Models;

namespace WhatsappPhone.Api;

/// <summary>
/// Administration beyond registration: adding and migrating numbers, display names, settings
/// (local storage), the business profile and its picture, an account by ID. Values reach these
/// methods checked (<see cref="AdministrationInput"/>); IDs are checked again here.
/// </summary>
internal sealed partial class GraphClient
{
    /// <summary>The first API version where local storage is a setting of the number instead of a register parameter.</summary>
    public const int FirstVersionWithStorageSettings = 21;

    private static readonly Regex UploadSession = new Regex(@"^upload:[A-Za-z0-9_\-=:.]{1,500}$", RegexOptions.CultureInvariant);
    private static readonly Regex UploadHandle = new Regex(@"^[\x21-\x7E]{1,2000}$", RegexOptions.CultureInvariant);

    /// <summary>POST /{waba}/phone_numbers; the new phone-number ID. Not retried blindly: a second attempt could meet the first's number.</summary>
    internal async Task<string> AddPhoneNumberAsync(string businessAccountId, string countryCode, string phoneNumber, string verifiedName, bool migrate, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(businessAccountId, IdKind.BusinessAccount, nameof(businessAccountId));
        var body = JsonBody(w =>
        {
            w.WriteString("cc", countryCode);
            w.WriteString("phone_number", phoneNumber);
            w.WriteString("verified_name", verifiedName);
            if (migrate) w.WriteBoolean("migrate_phone_number", true);
        });
        var path = $"{businessAccountId}/phone_numbers";
        using var doc = await _pipeline.SendAsync(new GraphRequest(HttpMethod.Post, ApiUri(path, null), businessAccountId, IdKind.BusinessAccount, () => JsonContent(body)), cancellationToken).ConfigureAwait(false);
        var id = GraphJson.Text(GraphJson.Property(doc.RootElement, "id"));
        try
        {
            return GraphInput.RequireId(id, IdKind.PhoneNumber, "id");
        }
        catch (ArgumentException)
        {
            throw new GraphApiException($"The Graph API did not answer POST {path} with the new number's ID: it answered {Shorten(doc.RootElement.GetRawText())}.", HttpStatusCode.OK)
            { Request = "POST " + path };
        }
    }

    /// <summary>POST /{id} with new_display_name: the name goes to review.</summary>
    internal Task RequestDisplayNameAsync(string phoneNumberId, string displayName, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        return PostForSuccessAsync(phoneNumberId, phoneNumberId, JsonBody(w => w.WriteString("new_display_name", displayName)), cancellationToken);
    }

    /// <summary>GET /{id}/settings.</summary>
    public async Task<PhoneNumberSetting> GetSettingsAsync(string phoneNumberId, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        using var doc = await _pipeline.SendAsync(new GraphRequest(HttpMethod.Get, ApiUri($"{phoneNumberId}/settings", null), phoneNumberId, IdKind.PhoneNumber), cancellationToken).ConfigureAwait(false);
        return PhoneNumberSettingJson.Read(doc.RootElement, phoneNumberId);
    }

    /// <summary>POST /{id}/settings with storage_configuration: local storage on in <paramref name="region"/>, or off when it is $null.</summary>
    internal Task SetLocalStorageAsync(string phoneNumberId, string? region, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        if (region != null) region = AdministrationInput.Region(region, nameof(region));
        return PostForSuccessAsync(phoneNumberId, $"{phoneNumberId}/settings", JsonBody(w => PhoneNumberSettingJson.WriteStorage(w, region)), cancellationToken);
    }

    /// <summary>POST /{id}/settings with user_identity_change (one feature per request, as Graph requires).</summary>
    internal Task SetIdentityKeyCheckAsync(string phoneNumberId, bool enabled, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        return PostForSuccessAsync(phoneNumberId, $"{phoneNumberId}/settings", JsonBody(w => PhoneNumberSettingJson.WriteIdentityKeyCheck(w, enabled)), cancellationToken);
    }

    /// <summary>GET /{id}/whatsapp_business_profile with every profile field.</summary>
    public async Task<BusinessProfile> GetBusinessProfileAsync(string phoneNumberId, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        var uri = ApiUri($"{phoneNumberId}/whatsapp_business_profile", "fields=" + Escape(string.Join(",", BusinessProfileJson.Fields)));
        using var doc = await _pipeline.SendAsync(new GraphRequest(HttpMethod.Get, uri, phoneNumberId, IdKind.PhoneNumber), cancellationToken).ConfigureAwait(false);
        return BusinessProfileJson.Read(doc.RootElement, phoneNumberId);
    }

    /// <summary>POST /{id}/whatsapp_business_profile with the fields that are set, and nothing else.</summary>
    internal Task SetBusinessProfileAsync(string phoneNumberId, BusinessProfileUpdate update, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        if (update.IsEmpty) throw new ArgumentException("Nothing to change: give at least one profile field.", nameof(update));
        return PostForSuccessAsync(phoneNumberId, $"{phoneNumberId}/whatsapp_business_profile", JsonBody(w =>
        {
            w.WriteString("messaging_product", "whatsapp");
            if (update.About != null) w.WriteString("about", update.About);
            if (update.Address != null) w.WriteString("address", update.Address);
            if (update.Description != null) w.WriteString("description", update.Description);
            if (update.Email != null) w.WriteString("email", update.Email);
            if (update.Vertical != null) w.WriteString("vertical", update.Vertical);
            if (update.Websites != null)
            {
                w.WriteStartArray("websites");
                foreach (var site in update.Websites) w.WriteStringValue(site);
                w.WriteEndArray();
            }
            if (update.ProfilePictureHandle != null) w.WriteString("profile_picture_handle", update.ProfilePictureHandle);
        }), cancellationToken);
    }

    /// <summary>
    /// Graph's resumable upload, in one piece: POST /{app-id}/uploads opens a session, POST
    /// /upload:{session} with file_offset 0 and the bytes (Authorization: OAuth) gives the handle.
    /// </summary>
    internal async Task<string> UploadAsync(string appId, string fileName, byte[] bytes, string mimeType, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(appId, IdKind.App, nameof(appId));
        var query = $"file_name={Uri.EscapeDataString(fileName)}&file_length={bytes.Length.ToString(CultureInfo.InvariantCulture)}&file_type={Uri.EscapeDataString(mimeType)}";
        string session;
        using (var doc = await _pipeline.SendAsync(new GraphRequest(HttpMethod.Post, ApiUri($"{appId}/uploads", query), null, null), cancellationToken).ConfigureAwait(false))
        {
            session = GraphJson.Text(GraphJson.Property(doc.RootElement, "id")) ?? "";
            if (!UploadSession.IsMatch(session))
            {
                throw new GraphApiException($"The Graph API did not open an upload session: it answered {Shorten(doc.RootElement.GetRawText())} instead of {{\"id\":\"upload:...\"}}.", HttpStatusCode.OK)
                { Request = $"POST /{appId}/uploads" };
            }
        }
        var upload = new GraphRequest(HttpMethod.Post, ApiUri(session, null), null, null, () =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(mimeType);
            return content;
        })
        {
            Prepare = request =>
            {
                // The upload API documents the OAuth scheme for this call.
                Secrets.WithRevealed(_settings.AccessToken, token => request.Headers.Authorization = new AuthenticationHeaderValue("OAuth", token));
                request.Headers.TryAddWithoutValidation("file_offset", "0");
            },
        };
        using (var doc = await _pipeline.SendAsync(upload, cancellationToken).ConfigureAwait(false))
        {
            var handle = GraphJson.Text(GraphJson.Property(doc.RootElement, "h")) ?? "";
            if (!UploadHandle.IsMatch(handle))
            {
                throw new GraphApiException("The Graph API did not answer the upload with a file handle ({\"h\":...}).", HttpStatusCode.OK)
                { Request = "POST /upload:..." };
            }

            return handle;
        }
    }

    /// <summary>GET /{waba}: one account by ID, with its review, verification, ownership and health.</summary>
    public async Task<BusinessAccount> GetBusinessAccountAsync(string businessAccountId, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(businessAccountId, IdKind.BusinessAccount, nameof(businessAccountId));
        var uri = ApiUri(businessAccountId, "fields=" + Escape(string.Join(",", BusinessAccountJson.Fields)));
        using var doc = await _pipeline.SendAsync(new GraphRequest(HttpMethod.Get, uri, businessAccountId, IdKind.BusinessAccount), cancellationToken).ConfigureAwait(false);
        return BusinessAccountJson.Read(doc.RootElement, null, null);
    }
}
