using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace WhatsappPhone;

/// <summary>
/// Resolves the module's own dependencies from its dependencies/ folder, and nothing else.
/// Windows PowerShell has no binding redirects for a module, so a request from this module (or
/// one of its dependencies) for an assembly we ship, at a version up to the one we ship, is
/// answered with our copy. PowerShell 7 finds most of them in .NET itself first; the rest are
/// loaded into a load context of the module's own, so another module's copy of, say,
/// Microsoft.Extensions.Http (older or newer) and ours never meet in the default context.
/// Requests from other modules are left alone, as are names we do not ship.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly Assembly Self = typeof(ModuleInitializer).Assembly;
    private static readonly string DependencyFolder = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Self.Location)!, "dependencies"));

    /// <summary>What we ship, by simple name, read from the files' metadata (nothing is loaded at import).</summary>
    private static readonly Dictionary<string, AssemblyName> Shipped = Directory.Exists(DependencyFolder)
        ? Directory.GetFiles(DependencyFolder, "*.dll").Select(AssemblyName.GetAssemblyName).ToDictionary(n => n.Name!, StringComparer.OrdinalIgnoreCase)
        : new Dictionary<string, AssemblyName>();

    private static readonly ConcurrentDictionary<string, Lazy<Assembly>> Loaded = new ConcurrentDictionary<string, Lazy<Assembly>>(StringComparer.OrdinalIgnoreCase);
    private static readonly Lazy<Func<string, Assembly>?> LoadIsolated = new Lazy<Func<string, Assembly>?>(CreateLoadContext);

    /// <inheritdoc/>
    public void OnImport() => AppDomain.CurrentDomain.AssemblyResolve += Resolve;

    /// <inheritdoc/>
    public void OnRemove(PSModuleInfo psModuleInfo) => AppDomain.CurrentDomain.AssemblyResolve -= Resolve;

    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        var wanted = new AssemblyName(args.Name);
        if (wanted.Name == null || !Shipped.TryGetValue(wanted.Name, out var shipped)) return null;
        if (!IsOurs(args.RequestingAssembly) || !CanServe(wanted, shipped)) return null;
        var path = Path.Combine(DependencyFolder, shipped.Name + ".dll");
        return Loaded.GetOrAdd(shipped.Name!, _ => new Lazy<Assembly>(() => LoadIsolated.Value?.Invoke(path) ?? Assembly.LoadFrom(path))).Value;
    }

    /// <summary>
    /// This module or one of its dependencies. .NET Framework does not always say who asks
    /// (null); then the name and version alone decide, as they must.
    /// </summary>
    private static bool IsOurs(Assembly? requester)
    {
        if (requester == null || requester == Self) return true;
        if (requester.IsDynamic || string.IsNullOrEmpty(requester.Location)) return false;
        return string.Equals(Path.GetDirectoryName(Path.GetFullPath(requester.Location)), DependencyFolder, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The same assembly (name and signing key) at a version no higher than ours; a newer one we cannot honour.</summary>
    internal static bool CanServe(AssemblyName wanted, AssemblyName shipped)
    {
        if (wanted.Version != null && shipped.Version != null && wanted.Version > shipped.Version) return false;
        var wantedKey = wanted.GetPublicKeyToken();
        return wantedKey == null || wantedKey.Length == 0 || wantedKey.SequenceEqual(shipped.GetPublicKeyToken() ?? Array.Empty<byte>());
    }

    /// <summary>
    /// On .NET (PowerShell 7), a load context of the module's own; netstandard2.0 cannot name
    /// AssemblyLoadContext, so it is reached by reflection. Null on .NET Framework, which loads
    /// with LoadFrom, as powershell.exe itself would.
    /// </summary>
    private static Func<string, Assembly>? CreateLoadContext()
    {
        var type = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext");
        var create = type?.GetConstructor(new[] { typeof(string), typeof(bool) });
        var load = type?.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) });
        if (create == null || load == null) return null;
        var context = create.Invoke(new object[] { "WhatsappPhone", false });
        return path => (Assembly)load.Invoke(context, new object[] { path });
    }
}
