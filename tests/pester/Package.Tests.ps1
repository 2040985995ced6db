# The module as it is packaged and installed: the manifest a gallery reads, the .nupkg from
# build.ps1 Package saved from a local PSResource repository and imported by name in a new
# process, and the dependencies/ folder that Windows PowerShell loads from. The repository lives
# in a child pwsh with a home of its own: nothing here touches the user's PSResourceGet store.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:manifestPath = $env:WHATSAPP_TEST_MODULE
    if (-not $manifestPath) { throw 'Run through build.ps1 Test (WHATSAPP_TEST_MODULE names the built manifest).' }
    $script:moduleDir = Split-Path $manifestPath
    $script:data = Import-PowerShellDataFile $manifestPath
    $script:version = $data.ModuleVersion
    $script:pwsh = Join-Path $PSHOME 'pwsh.dll'
    $script:cmdlets = Get-ExpectedCmdlet

    # The user's PSResourceGet store (where Register-PSResourceRepository writes), as it is now.
    function script:Get-StoreSnapshot {
        $store = Join-Path ([Environment]::GetFolderPath('LocalApplicationData', 'DoNotVerify')) 'PSResourceGet/PSResourceRepository.xml'
        if (Test-Path $store) { (Get-FileHash $store -Algorithm SHA256).Hash } else { 'absent' }
    }
    $script:storeBefore = Get-StoreSnapshot

    # Environment variables for a child pwsh with a home of its own, so PSResourceGet keeps its store
    # there (Linux and macOS read LocalApplicationData from XDG_DATA_HOME or HOME). On Windows the
    # store is the known folder LocalApplicationData, which no variable moves: there such a test needs
    # a user of its own.
    function script:Get-OwnHome([string] $name) {
        $dir = New-Item -ItemType Directory -Force (Join-Path $TestDrive $name)
        # The folders must exist: .NET names a special folder that does not exist as "", and PSResourceGet
        # would then keep its store in the current directory.
        $data = New-Item -ItemType Directory -Force (Join-Path $dir.FullName '.local/share')
        $cache = New-Item -ItemType Directory -Force (Join-Path $dir.FullName '.cache')
        @{ HOME = $dir.FullName; XDG_DATA_HOME = $data.FullName; XDG_CACHE_HOME = $cache.FullName }
    }

    # Runs a script in a new PowerShell (no profile) with the given environment variables, and returns its JSON output as an object.
    function script:Invoke-NewPwsh([string] $script, [hashtable] $environment = @{}) {
        $saved = @{}
        foreach ($name in $environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $environment[$name]) }
        try {
            $out = & dotnet $pwsh -NoProfile -NonInteractive -Command $script 2>&1
            if ($LASTEXITCODE -ne 0) { throw "The new PowerShell failed ($LASTEXITCODE): $out" }
            ($out -join "`n") | ConvertFrom-Json
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }
}

Describe 'The manifest' {
    It 'passes Test-ModuleManifest without a warning, for Windows PowerShell 5.1 on .NET Framework 4.7.2 and PowerShell 7' {
        $m = Test-ModuleManifest $manifestPath -ErrorAction Stop -WarningVariable warnings 3>$null
        $warnings | Should -BeNullOrEmpty
        $m.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $m.PowerShellVersion | Should -Be ([version]'5.1')
        # netstandard2.0 needs the netstandard facade that .NET Framework carries from 4.7.2 on.
        $m.DotNetFrameworkVersion | Should -Be ([version]'4.7.2')
    }

    It 'names every export explicitly, so the module is found without loading it, and ships its format file' {
        @($data.CmdletsToExport | Sort-Object) | Should -Be $cmdlets
        foreach ($key in 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport') {
            $data.ContainsKey($key) | Should -BeTrue -Because "$key left out means '*'"
            @($data[$key]).Count | Should -Be 0 -Because $key
        }
        $data.FormatsToProcess | Should -Be @('WhatsappPhone.Format.ps1xml')
        Join-Path $moduleDir $data.FormatsToProcess[0] | Should -Exist
    }

    It 'carries what a gallery shows: tags, project and license URIs, and this version''s CHANGELOG.md section as release notes' {
        $psData = $data.PrivateData.PSData
        $psData.Tags | Should -Contain 'PSEdition_Desktop'
        $psData.Tags | Should -Contain 'PSEdition_Core'
        $psData.Tags | Should -Contain 'WhatsApp'
        foreach ($uri in $psData.ProjectUri, $psData.LicenseUri) {
            ([uri]$uri).IsAbsoluteUri | Should -BeTrue
            ([uri]$uri).Scheme | Should -Be 'https'
        }
        $psData.LicenseUri | Should -BeLike "$($psData.ProjectUri)/*"

        $changelog = Get-Content (Join-Path $PSScriptRoot '../../CHANGELOG.md')
        $start = [array]::FindIndex([string[]]$changelog, [Predicate[string]] { param($l) $l.StartsWith("## [$version]") })
        $start | Should -BeGreaterOrEqual 0 -Because "CHANGELOG.md needs a section for $version"
        $section = $changelog | Select-Object -Skip ($start + 1) | ForEach-Object -Begin { $done = $false } -Process { if ($_ -like '## *') { $done = $true }; if (-not $done) { $_ } }
        $psData.ReleaseNotes.Trim() | Should -BeExactly (($section -join "`n").Trim())
        $psData.ReleaseNotes | Should -Match 'Get-WaPhoneNumber'
    }

    It 'has no HelpInfoUri, as no updatable help is published (Update-Help would fail on it)' {
        $data.ContainsKey('HelpInfoUri') | Should -BeFalse
    }

    It 'ships the MIT license beside the module' {
        $license = Get-Content (Join-Path $moduleDir 'LICENSE') -Raw
        $license | Should -Match '^MIT License'
        $license | Should -Match 'Copyright \(c\) 2026 WhatsappPhone contributors'
    }
}

Describe 'The package that build.ps1 Package makes' {
    BeforeAll {
        $script:packageDir = $env:WHATSAPP_TEST_PACKAGE
        if (-not $packageDir) {
            # A run of this file alone: package the built module the way build.ps1 Package does.
            $packageDir = Join-Path $TestDrive 'repo'
            & (Join-Path $PSScriptRoot '../../tools/New-Package.ps1') -ModuleDir $moduleDir -Destination $packageDir
        }
        # A user installs it from a repository: registered, found and saved in a pwsh with a home of its own.
        $script:installRoot = New-Item -ItemType Directory (Join-Path $TestDrive 'modules')
        $script:found = Invoke-NewPwsh @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name WhatsappPhoneTest -Uri '$packageDir' -Trusted
`$found = Find-PSResource -Name WhatsappPhone -Repository WhatsappPhoneTest
Save-PSResource -Name WhatsappPhone -Repository WhatsappPhoneTest -Path '$installRoot' -TrustRepository -SkipDependencyCheck -Quiet
@{ Version = `$found.Version.ToString(); ProjectUri = "`$(`$found.ProjectUri)"; Repositories = @(Get-PSResourceRepository).Name } | ConvertTo-Json -Compress
"@ (Get-OwnHome 'installer')
        $script:installed = Join-Path $installRoot "WhatsappPhone/$version"
        $script:emu = Start-TestEmulator
    }

    AfterAll {
        if ($emu) { Stop-WaEmulator $emu }
    }

    It 'is WhatsappPhone.<version>.nupkg, found in a repository at the manifest version' {
        Join-Path $packageDir "WhatsappPhone.$version.nupkg" | Should -Exist
        $found.Version | Should -Be $version
        $found.ProjectUri | Should -Be $data.PrivateData.PSData.ProjectUri
        $found.Repositories | Should -Contain 'WhatsappPhoneTest'
        # Registered in the installer's own store, not the user's.
        Join-Path $TestDrive 'installer/.local/share/PSResourceGet/PSResourceRepository.xml' | Should -Exist
    }

    It 'is made without a repository: packaging in a home of its own leaves no PSResourceGet store there' {
        $own = Get-OwnHome 'packager'
        $destination = Join-Path $TestDrive 'packaged'
        $r = Invoke-NewPwsh "& '$(Join-Path $PSScriptRoot '../../tools/New-Package.ps1')' -ModuleDir '$moduleDir' -Destination '$destination'; @{ Store = Test-Path (Join-Path ([Environment]::GetFolderPath('LocalApplicationData', 'DoNotVerify')) 'PSResourceGet/PSResourceRepository.xml') } | ConvertTo-Json -Compress" $own
        Join-Path $destination "WhatsappPhone.$version.nupkg" | Should -Exist
        $r.Store | Should -BeFalse
        Test-Path (Join-Path $own.XDG_DATA_HOME 'PSResourceGet') | Should -BeFalse
        Test-Path (Join-Path $TestDrive 'PSResourceGet') | Should -BeFalse
    }

    It 'installs exactly the files the build produced: module, manifest, format file, LICENSE and dependencies' {
        $relative = { param($dir) Get-ChildItem $dir -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($dir, $_.FullName) -replace '\\', '/' } | Sort-Object }
        $built = & $relative $moduleDir
        & $relative $installed | Should -Be $built
        $built | Should -Contain 'LICENSE'
        $built | Should -Contain 'dependencies/System.Text.Json.dll'
    }

    It 'imports by name from PSModulePath in a new PowerShell, and lists numbers through the dependencies it installed' {
        $script = @'
$ErrorActionPreference = 'Stop'
Import-Module WhatsappPhone
$m = Get-Module WhatsappPhone
$numbers = @(Get-WaPhoneNumber)
[pscustomobject]@{
    Base    = $m.ModuleBase
    Version = "$($m.Version)"
    Cmdlets = @($m.ExportedCmdlets.Keys | Sort-Object)
    Ids     = @($numbers.Id)
    FromDependencies = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not $_.IsDynamic -and $_.Location -like (Join-Path $m.ModuleBase 'dependencies/*') } | ForEach-Object { $_.GetName().Name })
} | ConvertTo-Json -Compress
'@
        $r = Invoke-NewPwsh $script @{
            PSModulePath = "$installRoot$([IO.Path]::PathSeparator)$env:PSModulePath"
            WHATSAPP_ACCESS_TOKEN = $emu.Token; WHATSAPP_BASE_URI = $emu.BaseUri; WHATSAPP_BUSINESS_ID = '114503234599312'
        }
        $r.Base | Should -Be (Get-Item $installed).FullName
        $r.Version | Should -Be $version
        $r.Cmdlets | Should -Be $cmdlets
        $r.Ids | Should -Contain '107878721936019'
        $r.FromDependencies | Should -Contain 'Microsoft.Extensions.Http'
    }
}

Describe 'Dependencies for Windows PowerShell' {
    BeforeAll {
        # An assembly's identity and references, read from its metadata without loading it.
        function script:Read-Assembly([string] $path) {
            $stream = [IO.File]::OpenRead($path)
            try {
                $pe = [Reflection.PortableExecutable.PEReader]::new($stream)
                $md = [Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
                [pscustomobject]@{
                    Name       = $md.GetAssemblyDefinition().GetAssemblyName()
                    References = @(foreach ($h in $md.AssemblyReferences) { $md.GetAssemblyReference($h).GetAssemblyName() })
                }
                $pe.Dispose()
            }
            finally { $stream.Dispose() }
        }
        $script:depsDir = Join-Path $moduleDir 'dependencies'
    }

    It 'ships exactly the assemblies the module''s reference graph reaches, each at a version that satisfies every reference to it' {
        # Supplied by the platform: the netstandard facade (.NET Framework 4.7.2+ and .NET) and the PowerShell host.
        $platform = 'netstandard', 'mscorlib', 'System.Management.Automation'
        $shipped = @{}
        foreach ($file in Get-ChildItem $depsDir -Filter *.dll) { $shipped[[IO.Path]::GetFileNameWithoutExtension($file.Name)] = Read-Assembly $file.FullName }

        $reached = [Collections.Generic.HashSet[string]]::new()
        $queue = [Collections.Generic.Queue[object]]::new()
        $queue.Enqueue((Read-Assembly (Join-Path $moduleDir 'WhatsappPhone.PowerShell.dll')))
        $problems = [Collections.Generic.List[string]]::new()
        while ($queue.Count) {
            $assembly = $queue.Dequeue()
            foreach ($ref in $assembly.References) {
                if ($ref.Name -in $platform) { continue }
                $ship = $shipped[$ref.Name]
                if (-not $ship) { $problems.Add("$($assembly.Name.Name) needs $($ref.FullName), which is not shipped"); continue }
                if ($ship.Name.Version -lt $ref.Version) { $problems.Add("$($assembly.Name.Name) needs $($ref.FullName), newer than the shipped $($ship.Name.Version)") }
                if ([BitConverter]::ToString($ship.Name.GetPublicKeyToken()) -ne [BitConverter]::ToString($ref.GetPublicKeyToken())) { $problems.Add("$($ref.Name) is signed with another key than $($assembly.Name.Name) expects") }
                if ($reached.Add($ref.Name)) { $queue.Enqueue($ship) }
            }
        }
        $problems | Should -BeNullOrEmpty
        @($shipped.Keys | Where-Object { -not $reached.Contains($_) }) | Should -BeNullOrEmpty -Because 'nothing is shipped that no assembly references'
        $reached | Should -Contain 'System.Text.Json'
        $shipped.Keys | Should -Not -Contain 'System.Management.Automation'
    }

    It 'are loaded only for this module, into a load context of its own, so other modules'' copies never collide with them' {
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifestPath'
# Another module asking for one of our dependencies by name is not answered from our folder.
`$other = try { [Reflection.Assembly]::Load('Microsoft.Extensions.Http, Version=10.0.0.0, Culture=neutral, PublicKeyToken=adb9793829ddae60').Location } catch { 'refused' }
Connect-WaAccount -AccessToken x -BaseUri http://127.0.0.1:9 -MaxRetries 0
Get-WaPhoneNumber -PhoneNumberId 1 -ErrorAction SilentlyContinue
`$http = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Microsoft.Extensions.Http' }
[pscustomobject]@{
    Other    = `$other
    Copies   = @(`$http).Count
    Location = `$http.Location
    Context  = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$http).Name
} | ConvertTo-Json -Compress
"@
        $r = Invoke-NewPwsh $script
        $r.Other | Should -Be 'refused'
        $r.Copies | Should -Be 1
        $r.Location | Should -Be (Join-Path $depsDir 'Microsoft.Extensions.Http.dll')
        $r.Context | Should -Be 'WhatsappPhone'
    }
}

Describe 'The user''s own PowerShell set-up' {
    It 'is left as it was: the PSResourceGet store byte for byte, and no WhatsappPhone repository in it' {
        Get-StoreSnapshot | Should -Be $storeBefore
        $store = Join-Path ([Environment]::GetFolderPath('LocalApplicationData', 'DoNotVerify')) 'PSResourceGet/PSResourceRepository.xml'
        if (Test-Path $store) { Get-Content -Raw $store | Should -Not -Match 'WhatsappPhone' }
    }
}
