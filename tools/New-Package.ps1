<#
.SYNOPSIS
    Makes WhatsappPhone.<version>.nupkg of a built module.
.DESCRIPTION
    Called by build.ps1 Package. Compress-PSResource (PSResourceGet 1.1 and later) makes the package
    without registering any repository. PSResourceGet still opens its repository store when it loads
    (and makes one if there is none), so it runs in a child pwsh whose data folders are the build's own
    (HOME, XDG_DATA_HOME, XDG_CACHE_HOME under -Destination's parent): the user's store, PSModulePath
    and profile are never touched. (On Windows the store is the known folder LocalApplicationData,
    which no variable moves: there the child may make a default store if the user has none, and
    registers nothing in it.)
#>
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $Destination
)
$ErrorActionPreference = 'Stop'
$null = New-Item -ItemType Directory -Force $Destination
$Destination = (Resolve-Path $Destination).Path
$ModuleDir = (Resolve-Path $ModuleDir).Path
# The folders must exist: .NET names a special folder that does not exist as "", and PSResourceGet
# would then keep its store in the current directory.
$packageHome = Join-Path (Split-Path $Destination) '.package-home'
$data = New-Item -ItemType Directory -Force (Join-Path $packageHome '.local/share')
$cache = New-Item -ItemType Directory -Force (Join-Path $packageHome '.cache')

$script = @"
`$ErrorActionPreference = 'Stop'
if (-not (Get-Command Compress-PSResource -ErrorAction SilentlyContinue)) {
    throw 'Packaging needs Compress-PSResource (PSResourceGet 1.1 or later), which the pinned PowerShell has: dotnet tool restore && dotnet pwsh ./build.ps1 Package'
}
Compress-PSResource -Path '$($ModuleDir -replace "'", "''")' -DestinationPath '$($Destination -replace "'", "''")'
"@
$encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
$start = [Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($a in (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded) { $start.ArgumentList.Add($a) }
$start.Environment['HOME'] = $packageHome
$start.Environment['XDG_DATA_HOME'] = $data.FullName
$start.Environment['XDG_CACHE_HOME'] = $cache.FullName
$start.UseShellExecute = $false
$process = [Diagnostics.Process]::Start($start)
$process.WaitForExit()
if ($process.ExitCode -ne 0) { throw "Compress-PSResource failed (exit code $($process.ExitCode)); see above." }
