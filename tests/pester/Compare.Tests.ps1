# Change events for runbooks that poll: snapshots of an account before and after the emulator
# changed some numbers, compared as objects, as Clixml round trips and as CSV round trips.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:emu = Start-TestEmulator
    $script:market = '104996122399160'          # Jasper's Market: 14 numbers of every status
    $script:connected = '106540352242922'       # CONNECTED, GREEN, TIER_100K
    $script:ready = '1120467832615094'          # DISCONNECTED, YELLOW, TIER_2K
    $script:rateLimited = '115836620177204'     # RATE_LIMITED, YELLOW
    $script:pendingName = '1095628394417265'    # PENDING, name PENDING_REVIEW
    $script:verified = '113980272650307'        # DISCONNECTED, GREEN, TIER_10K
    $script:sandbox = '1105590218834726'        # CONNECTED, the last number of the listing
    Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $market

    # Meta changes numbers on its own between two runs; the control API plays that part.
    function Set-EmulatorNumber([string] $Id, [hashtable] $Fields) { $null = Invoke-Control $emu "numbers/$Id" -Method Post -Body $Fields }

    # A change as one comparable line.
    function Format-Change { process { '{0} {1} {2} {3} {4} {5}' -f $_.PhoneNumberId, $_.Change, $_.Severity, $_.Property, $_.OldValue, $_.NewValue } }
}

AfterAll {
    Disconnect-WaAccount
    if ($emu) { Stop-WaEmulator $emu }
}

Describe 'Comparing two snapshots of an account' {
    BeforeAll {
        Reset-Emulator $emu
        # The earlier run did not see the sandbox number yet; the later one no longer sees the
        # pending one (a number moved to another account leaves the listing).
        $script:before = @(Get-WaPhoneNumber | Where-Object Id -ne $sandbox)
        Set-EmulatorNumber $connected @{ qualityRating = 'RED'; status = 'FLAGGED' }
        Set-EmulatorNumber $ready @{ whatsappBusinessManagerMessagingLimit = 'TIER_10K' }
        Set-EmulatorNumber $rateLimited @{ qualityRating = 'GREEN' }
        Set-EmulatorNumber $verified @{ verifiedName = "Jasper's Deli"; whatsappBusinessManagerMessagingLimit = 'TIER_1K' }
        $script:after = @(Get-WaPhoneNumber | Where-Object Id -ne $pendingName)

        $script:expected = @(
            "$connected StatusChanged Error Status CONNECTED FLAGGED"
            "$connected QualityDown Error QualityRating GREEN RED"
            "$ready LimitUp Information MessagingLimitTier TIER_2K TIER_10K"
            "$verified LimitDown Warning MessagingLimitTier TIER_10K TIER_1K"
            "$verified VerifiedNameChanged Warning VerifiedName Jasper's Bakery Jasper's Deli"
            "$pendingName Removed Error   "
            "$rateLimited QualityUp Information QualityRating YELLOW GREEN"
            "$sandbox Added Information   "
        )
        # The listing order of the reference decides the order of the changes.
        $order = @($before.Id)
        $script:expected = @($expected | Sort-Object { $i = $order.IndexOf(($_ -split ' ')[0]); if ($i -lt 0) { [int]::MaxValue } else { $i } })

        $script:dir = Join-Path $TestDrive 'snapshots'
        $null = New-Item -ItemType Directory $dir
        $before | Export-Clixml (Join-Path $dir 'before.xml')
        $after | Export-Clixml (Join-Path $dir 'after.xml')
        $before | Export-Csv (Join-Path $dir 'before.csv') -NoTypeInformation
        $after | Export-Csv (Join-Path $dir 'after.csv') -NoTypeInformation
    }

    It 'reads the seed the test relies on' {
        ($before | Where-Object Id -eq $verified).VerifiedName | Should -Be "Jasper's Bakery"
        $before.Id | Should -Contain $pendingName
    }

    It 'finds every change between PhoneNumber objects, in reference order then the added numbers' {
        $changes = @(Compare-WaPhoneNumber -ReferenceObject $before -DifferenceObject $after)
        $changes | Should -BeOfType ([WhatsappPhone.Models.PhoneNumberChange])
        @($changes | Format-Change) | Should -Be $expected
        $changes[-1].Change | Should -Be 'Added'
        $changes.Source | Sort-Object -Unique | Should -Be 'Snapshot'
    }

    It 'finds the same changes between Import-Clixml copies' {
        $old = Import-Clixml (Join-Path $dir 'before.xml')
        $old[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.WhatsappPhone.Models.PhoneNumber'
        @(Compare-WaPhoneNumber $old (Import-Clixml (Join-Path $dir 'after.xml')) | Format-Change) | Should -Be $expected
    }

    It 'finds the same changes between Import-Csv rows, where every value is a string' {
        $old = Import-Csv (Join-Path $dir 'before.csv')
        ($old | Where-Object Id -eq $connected).DailyMessageLimit | Should -BeOfType ([string])
        @(Compare-WaPhoneNumber $old (Import-Csv (Join-Path $dir 'after.csv')) | Format-Change) | Should -Be $expected
    }

    It 'finds the same changes between a saved snapshot and numbers piped from Get-WaPhoneNumber' {
        @(Get-WaPhoneNumber | Where-Object Id -ne $pendingName |
            Compare-WaPhoneNumber -ReferenceObject (Import-Csv (Join-Path $dir 'before.csv')) | Format-Change) | Should -Be $expected
        @($after | Compare-WaPhoneNumber -ReferenceObject (Import-Clixml (Join-Path $dir 'before.xml')) | Format-Change) | Should -Be $expected
    }

    It 'finds nothing between a snapshot and its own copies' {
        Compare-WaPhoneNumber $after (Import-Clixml (Join-Path $dir 'after.xml')) | Should -BeNullOrEmpty
        Compare-WaPhoneNumber (Import-Csv (Join-Path $dir 'after.csv')) $after | Should -BeNullOrEmpty
    }

    It 'sends no request' {
        Clear-RequestLog $emu
        $null = Compare-WaPhoneNumber $before $after
        @(Get-RequestLog $emu).Count | Should -Be 0
    }

    It 'alerts on what a runbook alerts on: errors' {
        $errors = @(Compare-WaPhoneNumber $before $after | Where-Object Severity -eq 'Error')
        @($errors.PhoneNumberId | Sort-Object -Unique) | Should -Be (@($connected, $pendingName) | Sort-Object)
        "$($errors[0])" | Should -Be "Error StatusChanged: +1 555-025-3481 ($connected) Status CONNECTED -> FLAGGED"
    }

    It 'shows the table within 80 columns' {
        $lines = (Compare-WaPhoneNumber $before $after | Format-Table | Out-String -Width 200) -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^Number\s+Change\s+Severity\s+OldValue\s+NewValue'
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }
}

Describe 'Snapshots that cannot be compared as they are' {
    BeforeAll {
        Reset-Emulator $emu
        $script:numbers = @(Get-WaPhoneNumber)
    }

    It 'reports a duplicated ID as an error naming it, and still compares the other numbers' {
        Set-EmulatorNumber $ready @{ qualityRating = 'RED' }
        $current = @(Get-WaPhoneNumber)
        $twice = $numbers + ($numbers | Where-Object Id -eq $connected)

        $changes = @(Compare-WaPhoneNumber $twice $current -ErrorVariable err -ErrorAction SilentlyContinue)

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'WaSnapshotDuplicateId,WhatsappPhone.Cmdlets.CompareWaPhoneNumberCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -Be $connected
        $err[0].Exception.Message | Should -Match "$connected appears 2 times in the reference snapshot"
        @($changes | Format-Change) | Should -Be @("$ready QualityDown Error QualityRating YELLOW RED")
    }

    It 'skips an entry without an Id with an error, instead of calling its number removed' {
        $rows = @($numbers | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv)
        $rows[0].Id = ''
        $changes = @(Compare-WaPhoneNumber $numbers $rows -ErrorVariable err -ErrorAction SilentlyContinue)
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Match '^WaSnapshotNoId'
        $err[0].Exception.Message | Should -Match 'Entry 0 of the current snapshot \(-DifferenceObject\) has no Id'
        @($changes | Format-Change) | Should -Be @("$($numbers[0].Id) Removed Error   ")
    }

    It 'takes a piped $null as an empty current snapshot, but refuses a $null reference' {
        $none = $null
        @($none | Compare-WaPhoneNumber -ReferenceObject $numbers[0] -ErrorVariable err | Format-Change) | Should -Be @("$($numbers[0].Id) Removed Error   ")
        $err.Count | Should -Be 0
        { Compare-WaPhoneNumber -ReferenceObject $none -DifferenceObject $numbers } | Should -Throw -ErrorId 'ParameterArgumentValidationErrorNullNotAllowed,*'
    }

    It 'treats a narrower CSV as no change in the columns it left out' {
        $narrow = @($numbers | Select-Object Id, Status | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv)
        Compare-WaPhoneNumber $narrow $numbers | Should -BeNullOrEmpty
    }
}
