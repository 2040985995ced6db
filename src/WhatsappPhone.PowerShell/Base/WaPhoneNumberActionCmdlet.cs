using System;
using System.Management.Automation;
using System.Threading.Tasks;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// The base of cmdlets that change one number (register, deregister, request or confirm a code,
/// set the PIN): the ID from the pipeline, ShouldChange, one error per failing number, -PassThru.
/// </summary>
public abstract class WaPhoneNumberActionCmdlet : WaApiCmdlet
{
    /// <summary>The phone-number ID; a piped PhoneNumber binds by its Id.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [PhoneNumberIdTransformation]
    [ValidateGraphId(IdKind.PhoneNumber)]
    [ArgumentCompleter(typeof(PhoneNumberIdCompleter))]
    public string PhoneNumberId { get; set; } = "";

    /// <summary>Reads the number back after the change and writes it to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The number as prompts and messages name it.</summary>
    protected string Target => $"phone number {PhoneNumberId}";

    /// <summary>ShouldChange for this number: the prompt names it, an error targets its ID.</summary>
    protected bool ShouldChange(string action) => ShouldChange(Target, action, PhoneNumberId);

    /// <summary>
    /// Sends a change already agreed to (<see cref="ShouldChange(string)"/>), and with -PassThru
    /// writes the number as read back; a failure is a non-terminating error for this number.
    /// </summary>
    protected void SendChange(string action, Func<string, Task> send)
    {
        var id = PhoneNumberId;
        ResolveSettings();
        SendChange(id, Target, action, $"Get-WaPhoneNumber -PhoneNumberId {id}", () => send(id), PassThru ? () => WriteObject(PassThruObject(id)) : null);
    }

    /// <summary>What -PassThru writes after the change: the number, unless the change is about something else of it.</summary>
    protected virtual object PassThruObject(string id) => ReadBack(id);

    /// <summary>The number as Graph has it now, with the default fields.</summary>
    protected PhoneNumber ReadBack(string id)
    {
        var fields = PhoneNumberJson.FieldsFor(ResolveSettings().MajorVersion);
        return Wait(Client.GetPhoneNumberAsync(id, fields, null, Cancellation));
    }
}
