using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace WhatsappPhone
{
    /// <summary>
    /// Resolves the module's own dependencies from its dependencies/ folder. Windows PowerShell has
    /// no binding redirects for a module, so a request for System.Text.Json (or one of its
    /// dependencies) at any version is answered with the copy we ship. PowerShell 7 finds newer
    /// copies in .NET itself first, and asks only for the ones it lacks.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        static readonly string DependencyFolder = Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "dependencies");

        public void OnImport() => AppDomain.CurrentDomain.AssemblyResolve += Resolve;

        public void OnRemove(PSModuleInfo psModuleInfo) => AppDomain.CurrentDomain.AssemblyResolve -= Resolve;

        static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            if (name == null) return null;
            var path = Path.Combine(DependencyFolder, name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }
}
