using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using WhatsappPhone.Api;
using WhatsappPhone.Connection;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Sets the business profile of numbers: only the fields given are sent, each checked first; a
/// picture is uploaded once (Graph's resumable upload) and its handle used for every number.
/// </summary>
[Cmdlet(VerbsCommon.Set, "WaBusinessProfile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BusinessProfile))]
public sealed class SetWaBusinessProfileCommand : WaApiCmdlet
{
    /// <summary>The numbers to change; given on the command line, a piped profile's own PhoneNumberId is not used.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [PhoneNumberIdTransformation]
    [ValidateGraphId(IdKind.PhoneNumber)]
    [ArgumentCompleter(typeof(PhoneNumberIdCompleter))]
    public string[] PhoneNumberId { get; set; } = Array.Empty<string>();

    /// <summary>The About text shown in the profile.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? About { get; set; }

    /// <summary>The business's address.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Address { get; set; }

    /// <summary>The description of the business.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Description { get; set; }

    /// <summary>The contact email address.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Email { get; set; }

    /// <summary>At most two URLs (http or https); a string with two URLs separated by a space (a CSV cell) counts as two.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Websites", "WebsitesText")]
    [AllowEmptyCollection]
    [AllowNull]
    public string[]? Website { get; set; }

    /// <summary>The industry, such as RETAIL; an empty string clears it.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ProfileVerticalTransformation]
    [AllowEmptyString]
    [AllowNull]
    [ValidateSet("", "AUTO", "BEAUTY", "APPAREL", "EDU", "ENTERTAIN", "EVENT_PLAN", "FINANCE", "GROCERY", "GOVT", "HOTEL",
        "HEALTH", "NONPROFIT", "PROF_SERVICES", "RETAIL", "TRAVEL", "RESTAURANT", "NOT_A_BIZ", "OTHER")]
    public string? Vertical { get; set; }

    /// <summary>A JPEG or PNG file of at most 5 MB, uploaded through the app (-AppId).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("PicturePath")]
    public string? ProfilePicturePath { get; set; }

    /// <summary>The Meta app the token belongs to, for the picture upload; else the connection's, else WHATSAPP_APP_ID.</summary>
    [Parameter]
    [ValidateGraphId(IdKind.App)]
    public string? AppId { get; set; }

    /// <summary>Reads each profile back after the change and writes it.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Handles of pictures already uploaded in this pipeline, by full path: one upload serves many numbers.</summary>
    private readonly Dictionary<string, string> _handles = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        BusinessProfileUpdate update;
        (byte[] Bytes, string MimeType)? picture = null;
        string? picturePath = null, appId = null;
        try
        {
            update = AdministrationInput.Profile(About, Address, Description, Email, Website, Vertical);
            if (!string.IsNullOrWhiteSpace(ProfilePicturePath))
            {
                picturePath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ProfilePicturePath);
                if (!_handles.ContainsKey(picturePath)) picture = AdministrationInput.Picture(picturePath);
                appId = ConnectionResolver.ResolveAppId(AppId, Context);
            }
            if (update.IsEmpty && picturePath == null)
                throw new ArgumentException("Nothing to change: give at least one of -About, -Address, -Description, -Email, -Website, -Vertical, -ProfilePicturePath.");
        }
        catch (Exception ex) when (ex is ArgumentException || ex is WaConnectionException)
        {
            var id = ex is WaConnectionException c ? c.ErrorId : "WaInvalidArgument";
            WriteError(new ErrorRecord(ex, id, ErrorCategory.InvalidArgument, PhoneNumberId.FirstOrDefault()));
            return;
        }

        var fields = string.Join(", ", update.Names().Concat(picturePath != null ? new[] { "profile picture" } : Array.Empty<string>()));
        var action = $"Set the business profile: {fields}";
        foreach (var number in PhoneNumberId)
        {
            var target = $"phone number {number}";
            if (!ShouldChange(target, action, number)) continue;
            ResolveSettings();
            // The upload only makes a handle, and the profile is unchanged until it is used: not part of the change.
            if (picturePath != null && !TryRun(number, () => update.ProfilePictureHandle = PictureHandle(picturePath, picture, appId!))) continue;
            SendChange(number, target, action, $"Get-WaBusinessProfile -PhoneNumberId {number}",
                () => Client.SetBusinessProfileAsync(number, update, Cancellation),
                PassThru ? () => WriteObject(Wait(Client.GetBusinessProfileAsync(number, Cancellation))) : null);
        }
    }

    /// <summary>The handle of the picture, uploaded the first time this pipeline needs it.</summary>
    private string PictureHandle(string path, (byte[] Bytes, string MimeType)? picture, string appId)
    {
        if (_handles.TryGetValue(path, out var handle)) return handle;
        WriteVerbose($"Uploading {Path.GetFileName(path)} ({picture!.Value.Bytes.Length} bytes, {picture.Value.MimeType}) through app {appId}.");
        return _handles[path] = Wait(Client.UploadAsync(appId, Path.GetFileName(path), picture.Value.Bytes, picture.Value.MimeType, Cancellation));
    }
}
