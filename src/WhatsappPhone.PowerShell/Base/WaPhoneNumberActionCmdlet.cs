using System;
using System.Management.Automation;
using System.Net;
using System.Threading.Tasks;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
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
            TryRun(id, () =>
            {
                try
                {
                    Wait(send(id));
                }
                catch (GraphApiException ex) when (ex.HttpStatusCode is HttpStatusCode status && (int)status >= 200 && (int)status < 300)
                {
                    // Graph accepted the change; only its answer was lost. "Transient" would invite a retry,
                    // and each register or deregister counts against 10 per number in 72 hours.
                    throw new GraphApiException(
                        $"{action} on {Target}: Graph answered HTTP {(int)status} but the answer could not be read ({ex.BaseMessage}), so the change may have taken effect. " +
                        $"Check with Get-WaPhoneNumber -PhoneNumberId {id} before repeating it.", status, ex)
                    { Request = ex.Request, FbTraceId = ex.FbTraceId, LocalErrorId = ChangeOutcomeUnknown };
                }
                WriteVerbose($"Done: {action} on {Target}.");
                if (!PassThru) return;
                object number;
                try
                {
                    number = PassThruObject(id);
                }
                catch (GraphApiException ex)
                {
                    throw new GraphApiException(
                        $"Done: {action} on {Target}; only reading it back for -PassThru failed: {ex.Message} " +
                        $"Do not repeat the change; read it again later (Get-WaPhoneNumber -PhoneNumberId {id}).", ex.HttpStatusCode, ex)
                    { Request = ex.Request, FbTraceId = ex.FbTraceId, IsTransient = ex.IsTransient, LocalErrorId = ReadBackFailed };
                }
                WriteObject(number);
            });
        }

        /// <summary>The change was done; only the -PassThru read that followed it failed.</summary>
        internal const string ReadBackFailed = "WaReadBackFailed";

        /// <summary>Graph answered a change with success but its answer was cut off or unreadable.</summary>
        internal const string ChangeOutcomeUnknown = "WaChangeOutcomeUnknown";

        /// <summary>What -PassThru writes after the change: the number, unless the change is about something else of it.</summary>
        protected virtual object PassThruObject(string id) => ReadBack(id);

        /// <summary>The number as Graph has it now, with the default fields.</summary>
        protected PhoneNumber ReadBack(string id)
        {
            var fields = PhoneNumberJson.FieldsFor(ResolveSettings().MajorVersion);
            return Wait(Client.GetPhoneNumberAsync(id, fields, null, Cancellation));
        }
    }
}
