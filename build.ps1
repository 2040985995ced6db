<#
.SYNOPSIS
    Builds, tests and demonstrates the WhatsappPhone module.
.DESCRIPTION
    Run with the pinned PowerShell: dotnet tool restore && dotnet pwsh ./build.ps1 <Task>
      Build     (default) assemble an importable module under out/WhatsappPhone/<version>/, and the emulator under out/emulator/
      Test      Package, then run xUnit and Pester; ends with one line "N passed, N failed"
      Demo      Build, start the local Graph API emulator and walk through the module against it
      Emulator  Build and start the emulator in the foreground (Ctrl+C stops it)
      Package   Build, then make the package out/repo/WhatsappPhone.<version>.nupkg (Compress-PSResource: no repository is registered)
      Bench     Build, then compare the module with what people would write instead (bench/Invoke-Benchmark.ps1);
                prints medians and ratios against the targets, writes out/bench/results.json; -BenchPart for one part
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

    # Test task, for a quick run while working: only these Pester files, comma-separated from bash (default: all of tests/pester).
    [string[]] $PesterPath,

    # Test task: a dotnet test --filter expression for xUnit (default: all); 'none' skips xUnit.
    [string] $XunitFilter,

    # Bench task: only these rows (Import, Webhooks or Watch); default all of them.
    [ValidateSet('All', 'Import', 'Webhooks', 'Watch')]
    [string] $BenchPart = 'All'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

# The version and the Pester version live once, in Directory.Build.props.
function Get-BuildProperty([string] $name) {
    ([xml](Get-Content (Join-Path $root 'Directory.Build.props') -Raw)).Project.PropertyGroup.$name | Where-Object { $_ } | Select-Object -First 1
}

function Get-ModuleVersion { Get-BuildProperty Version }

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

# Makes the package in out/repo/ (WhatsappPhone.<version>.nupkg) with no repository registered:
# nothing in the user's PSResourceGet store changes (tools/New-Package.ps1).
function Invoke-Package {
    $moduleDir = Invoke-Build
    $repo = Join-Path $out 'repo'
    if (Test-Path $repo) { Remove-Item $repo -Recurse -Force }
    & (Join-Path $root 'tools/New-Package.ps1') -ModuleDir $moduleDir -Destination $repo
    Write-Host "Packaged: $(Get-ChildItem $repo -Filter *.nupkg)"
    $moduleDir
}

function Invoke-Test {
    $moduleDir = Invoke-Package
    $results = New-Item -ItemType Directory -Force (Join-Path $out 'test-results')
    Get-ChildItem $results | Remove-Item -Recurse -Force
    $pwsh = Join-Path $PSHOME 'pwsh.dll'

    # Built (and Pester restored, a PackageDownload of the test project) before anything runs, so
    # xUnit and the Pester files can then run side by side: most of their time is spent waiting.
    $solution = Join-Path $root 'WhatsappPhone.PowerShell.sln'
    Invoke-Dotnet build $solution -c $Configuration --nologo -v quiet
    $runs = [System.Collections.Generic.List[object]]::new()
    if ($XunitFilter -ne 'none') {
        $filter = if ($XunitFilter) { @('--filter', "`"$XunitFilter`"") } else { @() }
        $runs.Add((Start-Run 'xUnit' 'dotnet' (@('test', $solution, '-c', $Configuration, '--no-build', '--nologo', '-v', 'quiet') + $filter +
            @('--logger', 'trx', '--logger', '"console;verbosity=minimal"', '--results-directory', $results))))
    }

    # Pester: the built module as users run it, each file in a fresh process (so it loads the new
    # build), the longest first, two at a time.
    $pester = Join-Path (& dotnet nuget locals global-packages --list | ForEach-Object { $_ -replace '^global-packages:\s*', '' }) "pester/$(Get-BuildProperty PesterVersion)/tools/Pester.psd1"
    $env:WHATSAPP_TEST_MODULE = Join-Path $moduleDir 'WhatsappPhone.psd1'
    $env:WHATSAPP_TEST_EMULATOR = Join-Path $out 'emulator'
    $env:WHATSAPP_TEST_PACKAGE = Join-Path $out 'repo'
    $files = @(if ($PesterPath) { $PesterPath -split "," | ForEach-Object { Get-Item (Resolve-Path $_).Path } } else { Get-ChildItem (Join-Path $root 'tests/pester') -Filter *.Tests.ps1 }) |
        Sort-Object { $PesterOrder.IndexOf($_.Name) -band 0x7fffffff }
    $queue = [System.Collections.Generic.Queue[object]]::new([object[]]$files)
    $pesterRuns = [System.Collections.Generic.List[object]]::new()
    while ($queue.Count -gt 0 -or @($pesterRuns | Where-Object { -not $_.Reported }).Count -gt 0) {
        while ($queue.Count -gt 0 -and @($pesterRuns | Where-Object { -not $_.Process.HasExited }).Count -lt 2) {
            $file = $queue.Dequeue()
            $summary = Join-Path $results "pester-$($file.BaseName).json"
            $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
`$config = New-PesterConfiguration
`$config.Run.Path = '$($file.FullName)'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Detailed'
`$r = Invoke-Pester -Configuration `$config
@{ passed = `$r.PassedCount; failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount } | ConvertTo-Json | Set-Content '$summary'
"@
            $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
            $run = Start-Run $file.Name 'dotnet' @($pwsh, '-NoProfile', '-NonInteractive', '-OutputFormat', 'Text', '-EncodedCommand', $encoded)
            $run | Add-Member Summary $summary
            $pesterRuns.Add($run)
        }
        foreach ($run in $pesterRuns) { if (-not $run.Reported -and $run.Process.HasExited) { Complete-Run $run } }
        Start-Sleep -Milliseconds 200
    }
    foreach ($run in $runs) { $run.Process.WaitForExit(); Complete-Run $run }

    $xPassed = 0; $xFailed = 0
    foreach ($trx in Get-ChildItem $results -Filter *.trx -ErrorAction SilentlyContinue) {
        $counters = ([xml](Get-Content -LiteralPath $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $xPassed += [int]$counters.passed
        $xFailed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout
    }
    if ($runs.Count -and $runs[0].Process.ExitCode -ne 0 -and $xFailed -eq 0) { $xFailed = 1; Write-Warning "dotnet test exited with $($runs[0].Process.ExitCode)" }
    $pPassed = 0; $pFailed = 0
    foreach ($run in $pesterRuns) {
        if (Test-Path $run.Summary) { $p = Get-Content $run.Summary -Raw | ConvertFrom-Json; $pPassed += $p.passed; $pFailed += $p.failed }
        else { $pFailed++; Write-Warning "Pester did not report a result for $($run.Name)." }
    }

    Write-Host "xUnit: $xPassed passed, $xFailed failed; Pester: $pPassed passed, $pFailed failed"
    "$($xPassed + $pPassed) passed, $($xFailed + $pFailed) failed"
    if ($xFailed + $pFailed -gt 0) { exit 1 }
}

# The slowest Pester files, started first so the two lanes finish together; others follow by name.
$PesterOrder = [System.Collections.Generic.List[string]]@('Resilience.Tests.ps1', 'PhoneNumbers.Tests.ps1', 'Package.Tests.ps1', 'Module.Tests.ps1')

# A test process whose output goes to a file, shown whole when it ends, so runs side by side never interleave.
function Start-Run([string] $name, [string] $file, [string[]] $arguments) {
    $log = Join-Path $out "test-results/$name.log"
    $process = Start-Process $file -ArgumentList $arguments -NoNewWindow -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err"
    [pscustomobject]@{ Name = $name; Process = $process; Log = $log; Reported = $false }
}

function Complete-Run($run) {
    $run.Process.WaitForExit()
    Write-Host "`n===== $($run.Name) =====" -ForegroundColor Cyan
    Get-Content -LiteralPath $run.Log, "$($run.Log).err" -ErrorAction SilentlyContinue | Out-Host
    $run.Reported = $true
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
        & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File (Join-Path $root 'bench/Invoke-Benchmark.ps1') -ModulePath (Join-Path $moduleDir 'WhatsappPhone.psd1') -EmulatorPath (Join-Path $out 'emulator') -Part $BenchPart
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    }
}
