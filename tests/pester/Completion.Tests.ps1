# Tab completion as a user gets it (TabExpansion2), against the emulator: IDs from the connected
# account, cached, bounded in time, and silent when there is nothing to offer.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:emu = Start-TestEmulator
    $script:waba = '104996122399160'
    $script:otherWaba = '114503234599312'
    $script:numbers = @(Get-WaPhoneNumber -Context (Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba -PassThru))

    function script:Complete([string] $line) { @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches) }
    function script:Get-ListingCount { @(Get-RequestLog $emu | Where-Object path -like '*/phone_numbers').Count }

    # Completion must work with no connection anywhere: not even the environment variables.
    function script:Disconnect-Everything {
        Disconnect-WaAccount
        foreach ($name in 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_BUSINESS_ID', 'WHATSAPP_BASE_URI', 'WHATSAPP_API_VERSION') { [Environment]::SetEnvironmentVariable($name, $null) }
    }
}

AfterAll {
    Disconnect-WaAccount
    if ($emu) { Stop-WaEmulator $emu }
}

Describe 'Completing -PhoneNumberId' {
    BeforeEach { Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba }

    It 'offers every number of the connected account: the ID is inserted, the list shows number, name and status' {
        $numbers.Count | Should -BeGreaterThan 5
        $offered = Complete 'Get-WaPhoneNumber -PhoneNumberId '
        $offered.CompletionText | Should -Be $numbers.Id
        $offered[0].ListItemText | Should -Be "$($numbers[0].DisplayPhoneNumber) ($($numbers[0].VerifiedName), $($numbers[0].Status))"
        $offered[0].ToolTip | Should -Be "$($numbers[0].Id): $($offered[0].ListItemText)"
    }

    It 'completes on <command>' -ForEach @(
        @{ command = 'Register-WaPhoneNumber' }, @{ command = 'Unregister-WaPhoneNumber' }, @{ command = 'Test-WaPhoneNumber' }
        @{ command = 'Request-WaPhoneNumberCode' }, @{ command = 'Confirm-WaPhoneNumberCode' }, @{ command = 'Set-WaPhoneNumberPin' }
    ) {
        (Complete "$command -PhoneNumberId ").CompletionText | Should -Be $numbers.Id
    }

    It 'narrows to what was typed: the start of an ID, digits of the number, or part of the verified name' {
        $prefix = $numbers[3].Id.Substring(0, 5)
        $byId = Complete "Get-WaPhoneNumber -PhoneNumberId $prefix"
        $byId.CompletionText | Should -Be @($numbers.Id | Where-Object { $_.StartsWith($prefix) })
        $byId.Count | Should -BeLessThan $numbers.Count

        $digits = ($numbers[2].DisplayPhoneNumber -replace '\D').Substring(4)
        $byNumber = Complete "Get-WaPhoneNumber -PhoneNumberId $digits"
        $byNumber.CompletionText | Should -Contain $numbers[2].Id
        $byNumber.CompletionText | Should -Be @($numbers | Where-Object { $_.Id.StartsWith($digits) -or ($_.DisplayPhoneNumber -replace '\D').Contains($digits) }).Id
        $byNumber.Count | Should -BeLessThan $numbers.Count

        $word = ($numbers[1].VerifiedName -split '\W+' | Where-Object Length -ge 4 | Select-Object -Last 1)
        $byName = Complete "Get-WaPhoneNumber -PhoneNumberId '$word"
        $byName.CompletionText | Should -Contain $numbers[1].Id
        $byName.CompletionText | Should -Be @($numbers | Where-Object VerifiedName -like "*$word*").Id
        $byName.Count | Should -BeLessThan $numbers.Count
    }

    It 'asks Graph once, then answers from its cache' {
        # Another API version is another connection, so this starts with nothing cached.
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba -ApiVersion v24.0
        Clear-RequestLog $emu
        (Complete 'Get-WaPhoneNumber -PhoneNumberId ').CompletionText | Should -Be $numbers.Id
        (Complete 'Unregister-WaPhoneNumber -PhoneNumberId ').CompletionText | Should -Be $numbers.Id
        Get-ListingCount | Should -Be 1
    }

    It 'never answers one token from what another token was given' {
        $null = Complete 'Get-WaPhoneNumber -PhoneNumberId '
        Connect-WaAccount -AccessToken 'another-token' -BaseUri $emu.BaseUri -BusinessAccountId $waba
        Clear-RequestLog $emu
        Complete 'Get-WaPhoneNumber -PhoneNumberId ' | Should -BeNullOrEmpty
        Get-ListingCount | Should -Be 1
    }

    It 'gives up after about 3 seconds on a slow server, offering nothing and writing no error' {
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba -ApiVersion v23.0
        Add-Fault $emu @{ method = 'GET'; pathContains = '/phone_numbers'; kind = 'delay'; delayMs = 15000 }
        $Error.Clear()
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Complete 'Get-WaPhoneNumber -PhoneNumberId ' | Should -BeNullOrEmpty
        # The server answers after 15 s: well before that means completion gave up on its own (3 s), with headroom for a busy machine.
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 12
        $clock.Elapsed.TotalSeconds | Should -BeGreaterThan 2.5
        $Error.Count | Should -Be 0
        Reset-Emulator $emu
    }

    It 'offers nothing and writes no error when not connected' {
        Disconnect-Everything
        $Error.Clear()
        Complete 'Get-WaPhoneNumber -PhoneNumberId ' | Should -BeNullOrEmpty
        Complete 'Register-WaPhoneNumber -PhoneNumberId 10' | Should -BeNullOrEmpty
        $Error.Count | Should -Be 0
    }
}

Describe 'Completing -BusinessAccountId' {
    It 'offers the connected account, then the accounts whose numbers were listed with the same connection, on <command>' -ForEach @(
        @{ command = 'Get-WaPhoneNumber' }, @{ command = 'Test-WaPhoneNumber' }, @{ command = 'Connect-WaAccount' }, @{ command = 'Watch-WaPhoneNumber' }
    ) {
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba
        $null = Complete 'Get-WaPhoneNumber -PhoneNumberId '
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $otherWaba
        $offered = Complete "$command -BusinessAccountId "
        $offered.CompletionText | Should -Be @($otherWaba, $waba)
        $offered[0].ToolTip | Should -Match 'connected'
        (Complete "$command -BusinessAccountId 1049").CompletionText | Should -Be @($waba)
    }

    It 'offers nothing and writes no error when not connected' {
        Disconnect-Everything
        $Error.Clear()
        Complete 'Get-WaPhoneNumber -BusinessAccountId ' | Should -BeNullOrEmpty
        $Error.Count | Should -Be 0
    }
}

Describe 'Completing values from fixed sets' {
    It 'offers the documented Graph fields for -Property that start with what was typed' {
        (Complete 'Get-WaPhoneNumber -Property is_').CompletionText |
            Should -Be @('is_official_business_account', 'is_on_biz_app', 'is_pin_enabled', 'is_preverified_number')
        $all = (Complete 'Get-WaPhoneNumber -Property ').CompletionText
        foreach ($field in 'webhook_configuration', 'whatsapp_business_manager_messaging_limit', 'messaging_limit_tier', 'health_status', 'search_visibility') {
            $all | Should -Contain $field
        }
    }

    It 'leaves out -Property fields already given' {
        (Complete 'Get-WaPhoneNumber -Property is_pin_enabled, is_on_biz_app, is_').CompletionText |
            Should -Be @('is_official_business_account', 'is_preverified_number')
    }

    It 'offers the allowed values of <parameter>' -ForEach @(
        @{ parameter = '-DataLocalizationRegion'; line = 'Register-WaPhoneNumber -DataLocalizationRegion D'; expected = @('DE') }
        @{ parameter = '-Method'; line = 'Request-WaPhoneNumberCode -Method '; expected = @('SMS', 'VOICE') }
        @{ parameter = '-Ownership'; line = 'Get-WaBusinessAccount -Ownership '; expected = @('All', 'Client', 'Owned') }
    ) {
        (Complete $line).CompletionText | Should -Be $expected
    }
}
