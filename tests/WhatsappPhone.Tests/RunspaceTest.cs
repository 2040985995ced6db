using System;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using WhatsappPhone.Cmdlets;

namespace WhatsappPhone.Tests;

/// <summary>
/// The module in an in-process runspace, with the connection's environment variables cleared around each test;
/// so every subclass is in <see cref="EnvironmentVariableCollection"/> (environment variables are process-wide).
/// </summary>
public abstract class RunspaceTest : IDisposable
{
    protected static readonly string[] Variables = { "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_BUSINESS_ID", "WHATSAPP_API_VERSION", "WHATSAPP_BASE_URI" };
    private readonly Runspace _runspace;

    /// <param name="host">The host the runspace runs in; none (a bare runspace) when null.</param>
    protected RunspaceTest(System.Management.Automation.Host.PSHost? host = null)
    {
        foreach (var v in Variables) Environment.SetEnvironmentVariable(v, null);
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(typeof(GetWaPhoneNumberCommand).Assembly.Location);
        _runspace = host == null ? RunspaceFactory.CreateRunspace(iss) : RunspaceFactory.CreateRunspace(host, iss);
        _runspace.Open();
    }

    public virtual void Dispose()
    {
        _runspace.Dispose();
        foreach (var v in Variables) Environment.SetEnvironmentVariable(v, null);
    }

    protected sealed class Result
    {
        public Collection<PSObject> Output = new Collection<PSObject>();
        public ErrorRecord[] Errors = Array.Empty<ErrorRecord>();
        public string[] Verbose = Array.Empty<string>();
        public string[] Debug = Array.Empty<string>();
        public string ErrorIds => string.Join(" ", Errors.Select(e => e.FullyQualifiedErrorId));
        /// <summary>Everything a person could see: output as text, every stream, every error's message and details.</summary>
        public string Everything => string.Join("\n", Output.Select(o => o?.ToString()).Concat(Verbose).Concat(Debug)
            .Concat(Errors.Select(e => $"{e} {e.Exception} {e.ErrorDetails?.Message} {e.TargetObject}")));
    }

    /// <summary>A PowerShell on this runspace, for a test that runs a command in the background and stops it.</summary>
    protected PowerShell NewPowerShell()
    {
        var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        return ps;
    }

    /// <summary>Runs a script; a cmdlet's terminating error ends its statement and lands in the error stream.</summary>
    protected Result Run(string script) => RunWithInput(script);

    /// <summary>Runs a script with <paramref name="input"/> as its $input.</summary>
    protected Result RunWithInput(string script, params object[] input)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        var output = input.Length == 0 ? ps.Invoke() : ps.Invoke(input);
        return new Result
        {
            Output = output,
            Errors = ps.Streams.Error.ToArray(),
            Verbose = ps.Streams.Verbose.Select(v => v.Message).ToArray(),
            Debug = ps.Streams.Debug.Select(v => v.Message).ToArray(),
        };
    }
}
