using System;
using System.Management.Automation;
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
            if (!(confirmed ?? ShouldProcess(Target, action))) return;
            TryRun(id, () =>
            {
                Wait(send(id));
                WriteVerbose($"Done: {action} on {Target}.");
                if (PassThru) WriteObject(ReadBack(id));
            });
        }

        protected PhoneNumber ReadBack(string id) =>
            Wait(Client.GetPhoneNumberAsync(id, PhoneNumberJson.FieldsFor(Settings.MajorVersion), null, Cancellation));
    }
}
