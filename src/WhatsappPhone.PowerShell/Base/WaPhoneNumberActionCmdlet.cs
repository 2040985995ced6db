using System;
using System.Management.Automation;
using System.Net;
using System.Management.Automation.Host;
using System.Threading.Tasks;
using WhatsappPhone.Api;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>
    /// The base of cmdlets that change one number (register, deregister, request or confirm a code,
    /// set the PIN): the ID from the pipeline, ShouldProcess, one error per failing number, -PassThru.
    /// </summary>
    public abstract class WaPhoneNumberActionCmdlet : WaApiCmdlet
    {
        /// <summary>The phone-number ID; a piped PhoneNumber binds by its Id.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [PhoneNumberIdTransformation]
        [ValidateGraphId("phone-number ID")]
        [ArgumentCompleter(typeof(PhoneNumberIdCompleter))]
        public string PhoneNumberId { get; set; } = "";

        /// <summary>Reads the number back after the change and writes it to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected string Target => $"phone number {PhoneNumberId}";

        /// <summary>
        /// Asks ShouldProcess (unless <paramref name="confirmed"/> already decided), sends the change,
        /// and writes the number back with -PassThru.
        /// </summary>
        protected void Act(string action, Func<string, Task> send, bool? confirmed = null)
        {
            var id = PhoneNumberId;
            if (!(confirmed ?? Confirm(action))) return;
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

        /// <summary>
        /// ShouldProcess; where the host cannot ask (a runbook, pwsh -NonInteractive), an error that says
        /// how to proceed instead of the host's bare "NonInteractive mode" one. Nothing is sent either way.
        /// </summary>
        protected bool Confirm(string action)
        {
            try
            {
                return ShouldProcess(Target, action);
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is HostException)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException($"{MyInvocation.MyCommand.Name} asks for confirmation before it changes {Target}, and this host cannot ask. " +
                        "Nothing was sent. In a runbook pass -Confirm:$false (or -Force where the cmdlet has it); -WhatIf shows what would change.", ex),
                    "WaConfirmationNotPossible", ErrorCategory.InvalidOperation, PhoneNumberId));
                return false;
            }
        }

        /// <summary>What -PassThru writes after the change: the number, unless the change is about something else of it.</summary>
        protected virtual object PassThruObject(string id) => ReadBack(id);

        protected PhoneNumber ReadBack(string id) =>
            Wait(Client.GetPhoneNumberAsync(id, PhoneNumberJson.FieldsFor(Settings.MajorVersion), null, Cancellation));
    }
}
