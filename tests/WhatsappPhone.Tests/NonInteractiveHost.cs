using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace WhatsappPhone.Tests;

/// <summary>A host like pwsh -NonInteractive (a runbook): any prompt throws, as ConsoleHost does there.</summary>
internal sealed class NonInteractiveHost : PSHost
{
    private readonly Guid _id = Guid.NewGuid();
    public int Prompts;
    public override PSHostUserInterface UI { get; }

    public NonInteractiveHost() => UI = new NoPromptUI(this);

    public override string Name => "NonInteractiveTestHost";
    public override Version Version => new Version(1, 0);
    public override Guid InstanceId => _id;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }

    private sealed class NoPromptUI : PSHostUserInterface
    {
        private readonly NonInteractiveHost _host;
        public NoPromptUI(NonInteractiveHost host) => _host = host;

        private Exception Refuse()
        {
            _host.Prompts++;
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
