<#
.SYNOPSIS
    Builds, tests and demonstrates the WhatsappPhone module.
.DESCRIPTION
    Run with the pinned PowerShell: dotnet tool restore && dotnet pwsh ./build.ps1 <Task>
      Build     (default) assemble an importable module under out/WhatsappPhone/<version>/, and the emulator under out/emulator/
      Test      Package, then run xUnit and Pester; ends with one line "N passed, N failed"
      Demo      Build, start the local Graph API emulator and walk through the module against it
      Emulator  Build and start the emulator in the foreground (Ctrl+C stops it)
      Package   Build, then publish the module into the local PSResource repository out/repo/ (WhatsappPhone.<version>.nupkg)
      Bench     Build, then compare the module with what people would write instead (bench/Invoke-Benchmark.ps1);
                prints medians and ratios against the targets, writes out/bench/results.json
.EXAMPLE
    dotnet pwsh ./build.ps1 Test
.EXAMPLE
    dotnet pwsh ./build.ps1 Test -PesterPath tests/pester/Lifecycle.Tests.ps1 -XunitFilter 'FullyQualifiedName~Retry'
    A quick run while working: one Pester file and the xUnit tests whose names match.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Emulator', 'Package', 'Bench')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Emulator task: the port to listen on (0 = a free one).
    [int] $Port = 0,

    # Test task, for a quick run while working: only these Pester files (default: all of tests/pester).
    [string[]] $PesterPath,

    # Test task: a dotnet test --filter expression for xUnit (default: all); 'none' skips xUnit.
    [string] $XunitFilter
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Get-ModuleVersion {
    ([xml](Get-Content (Join-Path $root 'Directory.Build.props') -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
}

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Build {
    $version = Get-ModuleVersion
    $moduleDir = Join-Path $out "WhatsappPhone/$version"
    $publish = Join-Path $out '.publish/module'
    foreach ($dir in $moduleDir, $publish) { if (Test-Path $dir) { Remove-Item $dir -Recurse -Force } }

    Invoke-Dotnet publish (Join-Path $root 'src/WhatsappPhone.PowerShell') -c $Configuration -o $publish --nologo -v quiet
    Invoke-Dotnet publish (Join-Path $root 'src/WhatsappPhone.Emulator') -c $Configuration -o (Join-Path $out 'emulator') --nologo -v quiet
    Copy-Item (Join-Path $root 'src/WhatsappPhone.Emulator/WhatsappPhoneEmulator.psm1') (Join-Path $out 'emulator')

    # Module layout: the module assembly at the root, its dependencies in dependencies/ (resolved by
    # ModuleInitializer), never System.Management.Automation, which the host supplies.
    $deps = New-Item -ItemType Directory -Force (Join-Path $moduleDir 'dependencies')
    Copy-Item (Join-Path $publish 'WhatsappPhone.PowerShell.dll') $moduleDir
    Get-ChildItem $publish -Filter *.dll |
        Where-Object Name -notin 'WhatsappPhone.PowerShell.dll', 'System.Management.Automation.dll' |
        Copy-Item -Destination $deps
    Copy-Item (Join-Path $root 'module/*') $moduleDir -Recurse
    Copy-Item (Join-Path $root 'LICENSE') $moduleDir

    $manifest = Get-Content (Join-Path $root 'WhatsappPhone.psd1') -Raw
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$version'"
    $manifest = $manifest -replace "ReleaseNotes\s*=\s*'[^']*'", "ReleaseNotes = '$((Get-ReleaseNotes $version) -replace "'", "''" -replace '\$', '$$$$')'"
    Set-Content -Path (Join-Path $moduleDir 'WhatsappPhone.psd1') -Value $manifest -Encoding utf8

    # Help (en-US/): MAML from docs/help/*.md and the compiled cmdlets, in its own process so this
    # one never loads the module it just built. Fails when a cmdlet or parameter is undocumented.
    & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File (Join-Path $root 'tools/New-MamlHelp.ps1') `
        -ModulePath (Join-Path $moduleDir 'WhatsappPhone.psd1') -SourcePath (Join-Path $root 'docs/help') | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "The help could not be built (exit code $LASTEXITCODE); see the errors above." }

    Write-Host "Built module: $moduleDir"
    $moduleDir
}

# This version's section of CHANGELOG.md, which becomes the manifest's release notes.
function Get-ReleaseNotes([string] $version) {
    $changelog = Get-Content (Join-Path $root 'CHANGELOG.md') -Raw
    $section = [regex]::Match($changelog, "(?ms)^## \[$([regex]::Escape($version))\][^\n]*\n(.*?)(?=^## |\z)")
    if (-not $section.Success) { throw "CHANGELOG.md has no '## [$version]' section: add one before building $version." }
    $section.Groups[1].Value.Trim()
}

# Publishes the built module into out/repo/, a folder registered as a PSResource repository only
# for the duration of the publish, under a name no one else uses.
function Invoke-Package {
    $moduleDir = Invoke-Build
    $repo = Join-Path $out 'repo'
    if (Test-Path $repo) { Remove-Item $repo -Recurse -Force }
    $null = New-Item -ItemType Directory $repo
    $name = "WhatsappPhoneBuild-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    Register-PSResourceRepository -Name $name -Uri $repo -Trusted
    try {
        Publish-PSResource -Path $moduleDir -Repository $name -SkipDependenciesCheck
    }
    finally {
        Unregister-PSResourceRepository -Name $name
    }
    Write-Host "Packaged: $(Get-ChildItem $repo -Filter *.nupkg)"
    $moduleDir
}

function Invoke-Test {
    $moduleDir = Invoke-Package
    $results = Join-Path $out 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    # Pester writes its summary here even when -XunitFilter none skips the run that would create it.
    $null = New-Item -ItemType Directory -Path $results -Force

    # xUnit: the client, the emulator and in-process binding. Counted from the TRX files.
    $xunitExit = 0
    if ($XunitFilter -ne 'none') {
        $filter = if ($XunitFilter) { @('--filter', $XunitFilter) } else { @() }
        & dotnet test (Join-Path $root 'WhatsappPhone.PowerShell.sln') -c $Configuration --nologo -v quiet @filter `
            --logger 'trx' --logger 'console;verbosity=minimal' --results-directory $results
        $xunitExit = $LASTEXITCODE
    }
    $xPassed = 0; $xFailed = 0
    foreach ($trx in Get-ChildItem $results -Filter *.trx -ErrorAction SilentlyContinue) {
        $counters = ([xml](Get-Content $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $xPassed += [int]$counters.passed
        $xFailed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout
    }
    if ($xunitExit -ne 0 -and $xFailed -eq 0) { $xFailed = 1; Write-Warning "dotnet test exited with $xunitExit" }

    # Pester: the built module as users run it, in a fresh process so it loads the new build.
    $pester = Join-Path (& dotnet nuget locals global-packages --list | ForEach-Object { $_ -replace '^global-packages:\s*', '' }) 'pester/5.7.1/tools/Pester.psd1'
    $summary = Join-Path $results 'pester.json'
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
`$config = New-PesterConfiguration
`$config.Run.Path = @($((@(if ($PesterPath) { $PesterPath | ForEach-Object { (Resolve-Path $_).Path } } else { Join-Path $root 'tests/pester' }) | ForEach-Object { "'$_'" }) -join ', '))
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Detailed'
`$r = Invoke-Pester -Configuration `$config
@{ passed = `$r.PassedCount; failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount } | ConvertTo-Json | Set-Content '$summary'
"@
    $env:WHATSAPP_TEST_MODULE = Join-Path $moduleDir 'WhatsappPhone.psd1'
    $env:WHATSAPP_TEST_EMULATOR = Join-Path $out 'emulator'
    $env:WHATSAPP_TEST_PACKAGE = Join-Path $out 'repo'
    & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script
    $pPassed = 0; $pFailed = 1
    if (Test-Path $summary) { $p = Get-Content $summary -Raw | ConvertFrom-Json; $pPassed = $p.passed; $pFailed = $p.failed }
    else { Write-Warning 'Pester did not report a result.' }

    Write-Host "xUnit: $xPassed passed, $xFailed failed; Pester: $pPassed passed, $pFailed failed"
    "$($xPassed + $pPassed) passed, $($xFailed + $pFailed) failed"
    if ($xFailed + $pFailed -gt 0) { exit 1 }
}

switch ($Task) {
    'Build' { $null = Invoke-Build }
    'Test' { Invoke-Test }
    'Package' { $null = Invoke-Package }
    'Emulator' {
        $null = Invoke-Build
        & dotnet (Join-Path $out 'emulator/WhatsappPhone.Emulator.dll') --port $Port
    }
    'Demo' {
        $moduleDir = Invoke-Build
        & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -File (Join-Path $root 'examples/demo.ps1') -ModulePath (Join-Path $moduleDir 'WhatsappPhone.psd1') -EmulatorPath (Join-Path $out 'emulator')
        if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit code $LASTEXITCODE)." }
    }
    'Bench' {
        $moduleDir = Invoke-Build
        & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File (Join-Path $root 'bench/Invoke-Benchmark.ps1') -ModulePath (Join-Path $moduleDir 'WhatsappPhone.psd1') -EmulatorPath (Join-Path $out 'emulator')
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    }
}
