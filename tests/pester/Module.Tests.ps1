# The built module as a user gets it: imported by path, in a fresh process.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:manifestPath = $env:WHATSAPP_TEST_MODULE
    if (-not $manifestPath) { throw 'Run through build.ps1 Test (WHATSAPP_TEST_MODULE names the built manifest).' }
    $script:moduleDir = Split-Path $manifestPath
    Import-Module $manifestPath -Force
}

Describe 'The built module folder' {
    It 'has a manifest that Test-ModuleManifest accepts, with the version from Directory.Build.props' {
        $m = Test-ModuleManifest $manifestPath
        $props = [xml](Get-Content (Join-Path $PSScriptRoot '../../Directory.Build.props') -Raw)
        $m.Version.ToString() | Should -Be ($props.Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1)
        $m.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $m.PowerShellVersion | Should -Be ([version]'5.1')
    }

    It 'exports exactly the cmdlets it lists' {
        $exported = (Get-Module WhatsappPhone).ExportedCmdlets.Keys | Sort-Object
        $exported | Should -Be (Get-ExpectedCmdlet)
    }

    It 'never ships System.Management.Automation, which the host supplies' {
        Get-ChildItem $moduleDir -Recurse -Filter 'System.Management.Automation.dll' | Should -BeNullOrEmpty
    }

    It 'loads no HTTP or JSON machinery at import' {
        $script = "Import-Module '$manifestPath'; [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -join ','"
        $loaded = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script
        $loaded | Should -Not -Match 'Microsoft\.Extensions\.(Http|DependencyInjection)'
    }

    It 'declares an output type on every cmdlet' {
        foreach ($c in (Get-Module WhatsappPhone).ExportedCmdlets.Values) {
            if ($c.Name -ne 'Disconnect-WaAccount') { $c.OutputType.Type | Should -Not -BeNullOrEmpty -Because $c.Name }
        }
    }
}

Describe 'Connection context' {
    AfterEach { Disconnect-WaAccount }

    It 'never shows or serializes the token, in any form' {
        $c = Connect-WaAccount -AccessToken 'SECRET-TOKEN-987' -BusinessAccountId 114503234599312 -PassThru
        $file = Join-Path $TestDrive 'ctx.xml'
        $c | Export-Clixml $file
        $text = ($c | Format-List * -Force | Out-String) + ($c | Format-Table | Out-String) + ($c | ConvertTo-Json -Depth 5) + (Get-Content $file -Raw) + "$c"
        $text | Should -Match '114503234599312'
        $text | Should -Not -Match 'SECRET-TOKEN-987'
    }

    It 'accepts the token as a SecureString' {
        $secure = ConvertTo-SecureString 'SECRET-TOKEN-987' -AsPlainText -Force
        { Connect-WaAccount -AccessToken $secure } | Should -Not -Throw
    }

    It 'refuses an empty token' {
        { Connect-WaAccount -AccessToken '' -ErrorAction Stop } | Should -Throw
    }
}

Describe 'Phone number display' {
    BeforeAll {
        $script:number = [WhatsappPhone.Models.PhoneNumber]@{
            Id = '107878721936019'; DisplayPhoneNumber = '+1 555-093-4873'; VerifiedName = 'Test Number'
            Status = 'CONNECTED'; QualityRating = 'GREEN'; MessagingLimitTier = 'TIER_UNLIMITED'; DailyMessageLimit = [int]::MaxValue
        }
    }

    It 'shows a table with number, name, status, quality, limit and ID within 80 columns' {
        $lines = ($number | Format-Table | Out-String -Width 200) -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match 'Number\s+Name\s+Status\s+Quality\s+Limit/day\s+Id'
        $lines[2] | Should -Match '\+1 555-093-4873\s+Test Number\s+CONNECTED\s+GREEN\s+Unlimited\s+107878721936019'
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }

    It 'has a list view' {
        ($number | Format-List | Out-String) | Should -Match 'DailyMessageLimit\s+:\s+2147483647'
    }
}

Describe 'Views of every output type' {
    BeforeAll {
        # What the cmdlets declare they write, and the issue objects a health result carries.
        $script:types = @(Get-Command -Module WhatsappPhone | ForEach-Object OutputType | ForEach-Object Type |
            Where-Object { $_.Namespace -like 'WhatsappPhone.*' }) + [WhatsappPhone.Models.HealthIssue] |
            Sort-Object FullName -Unique
    }

    It 'covers the module''s own output types' {
        $types.FullName | Should -Contain 'WhatsappPhone.Models.PhoneNumber'
        $types.FullName | Should -Contain 'WhatsappPhone.Models.PhoneNumberHealth'
        $types.FullName | Should -Contain 'WhatsappPhone.Models.BusinessAccount'
        $types.FullName | Should -Contain 'WhatsappPhone.Connection.WaContext'
        $types.FullName | Should -Contain 'WhatsappPhone.Models.PhoneNumberSetting'
        $types.FullName | Should -Contain 'WhatsappPhone.Models.BusinessProfile'
    }

    It 'has a table view and a list view for <_>' -ForEach @(
        'WhatsappPhone.Models.PhoneNumber', 'WhatsappPhone.Models.PhoneNumberHealth', 'WhatsappPhone.Models.BusinessAccount',
        'WhatsappPhone.Models.HealthIssue', 'WhatsappPhone.Connection.WaContext',
        'WhatsappPhone.Models.PhoneNumberSetting', 'WhatsappPhone.Models.BusinessProfile', 'WhatsappPhone.Models.PhoneNumberChange'
    ) {
        $controls = (Get-FormatData -TypeName $_ -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition.Control |
            ForEach-Object { $_.GetType().Name }
        $controls | Should -Contain 'TableControl'
        $controls | Should -Contain 'ListControl'
    }

    It 'fits the fixed-width tables in 80 columns' {
        foreach ($type in $types.FullName) {
            $table = (Get-FormatData -TypeName $type -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition.Control |
                Where-Object { $_ -is [System.Management.Automation.TableControl] } | Select-Object -First 1
            $widths = @($table.Headers.Width | Where-Object { $_ -gt 0 })
            if ($widths.Count -eq $table.Headers.Count) {
                ($widths | Measure-Object -Sum).Sum + $widths.Count - 1 | Should -BeLessOrEqual 80 -Because $type
            }
        }
    }

    It 'shows a business account in one 80-column row' {
        $account = [WhatsappPhone.Models.BusinessAccount]@{ Id = '104996122399160'; Name = "Jasper's Market Holdings International"; Ownership = 'Client'; Currency = 'USD'; BusinessId = '2245160378861502' }
        $lines = ($account | Format-Table | Out-String -Width 200) -split "`n" | Where-Object { $_.Trim() }
        $lines[2] | Should -Match '104996122399160\s+Client\s+USD\s+2245160378861502'
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }

    It 'shows a health check with its error and warning counts and its first issue' {
        $health = [WhatsappPhone.Models.PhoneNumberHealth]@{
            PhoneNumberId = '107878721936019'; DisplayPhoneNumber = '+1 555-093-4873'
            Issues = @(
                [WhatsappPhone.Models.HealthIssue]::new('Error', 'Status', 'The status is DISCONNECTED.', 'Register it.')
                [WhatsappPhone.Models.HealthIssue]::new('Warning', 'Quality', 'The quality rating is YELLOW.', 'Review recent templates.')
                [WhatsappPhone.Models.HealthIssue]::new('Warning', 'CodeVerification', 'The number is not verified.', 'Request a code.'))
        }
        $lines = ($health | Format-Table | Out-String -Width 200) -split "`n" | Where-Object { $_.Trim() }
        $lines[2] | Should -Match '\+1 555-093-4873\s+False\s+1\s+2\s+Status: The status is DISCONNECTED\.'
    }

    It 'never shows the token in either view of a context' {
        $ctx = Connect-WaAccount -AccessToken 'EAAG-view-secret' -BusinessAccountId 104996122399160 -PassThru
        $text = ($ctx | Format-Table | Out-String) + ($ctx | Format-List | Out-String)
        $text | Should -Match '\(hidden\)'
        $text | Should -Not -Match 'view-secret'
        Disconnect-WaAccount
    }
}
