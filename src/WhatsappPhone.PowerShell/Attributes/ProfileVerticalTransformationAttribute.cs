using System;
using System.Management.Automation;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Graph reports a profile without a vertical as UNDEFINED, which it does not accept back: a
/// profile piped from Get-WaBusinessProfile then binds as "no vertical given", as does a $null one
/// (which ValidateSet would refuse).
/// </summary>
public sealed class ProfileVerticalTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        return value == null || (value is string s && string.Equals(s.Trim(), "UNDEFINED", StringComparison.OrdinalIgnoreCase)) ? "" : inputData;
    }
}
