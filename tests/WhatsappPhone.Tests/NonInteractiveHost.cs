using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace WhatsappPhone.Tests
{
    /// <summary>A host like pwsh -NonInteractive (a runbook): any prompt throws, as ConsoleHost does there.</summary>
    sealed class NonInteractiveHost : PSHost
    {
        readonly Guid id = Guid.NewGuid();
        public int Prompts;
        public override PSHostUserInterface UI { get; }

        public NonInteractiveHost() => UI = new NoPromptUI(this);

        public override string Name => "NonInteractiveTestHost";
        public override Version Version => new Version(1, 0);
        public override Guid InstanceId => id;
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override void SetShouldExit(int exitCode) { }
        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }

        sealed class NoPromptUI : PSHostUserInterface
        {
            readonly NonInteractiveHost host;
            public NoPromptUI(NonInteractiveHost host) => this.host = host;

            Exception Refuse()
            {
                host.Prompts++;
                return new PSInvalidOperationException("PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.");
            }

            public override PSHostRawUserInterface? RawUI => null;
            public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw Refuse();
            public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw Refuse();
            public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw Refuse();
            public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw Refuse();
            public override string ReadLine() => throw Refuse();
            public override SecureString ReadLineAsSecureString() => throw Refuse();
            public override void Write(string value) { }
            public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { }
            public override void WriteLine(string value) { }
            public override void WriteErrorLine(string value) { }
            public override void WriteDebugLine(string message) { }
            public override void WriteProgress(long sourceId, ProgressRecord record) { }
            public override void WriteVerboseLine(string message) { }
            public override void WriteWarningLine(string message) { }
        }
    }
}
