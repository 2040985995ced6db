# Watch-WaPhoneNumber end to end against the emulator: the emulator's control API changes numbers
# as Meta does on its own, between runs and between the polls of one run; the state lives in
# TestDrive. Polls of one run are 1 s apart, and runs end on -Count or -Once; -TimeoutSec is only
# a generous bound on a busy machine, never what a test waits for.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:emu = Start-TestEmulator
    $script:market = '104996122399160'          # Jasper's Market: 14 numbers of every status
    $script:test = '114503234599312'            # one number
    $script:connected = '106540352242922'       # CONNECTED, GREEN, TIER_100K
    $script:ready = '1120467832615094'          # DISCONNECTED, YELLOW, TIER_2K
    $script:rateLimited = '115836620177204'     # RATE_LIMITED, YELLOW
    Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $market

    function script:Set-EmulatorNumber([string] $Id, [hashtable] $Fields) { $null = Invoke-Control $emu "numbers/$Id" -Method Post -Body $Fields }
    function script:Format-Change { process { '{0} {1} {2} {3} {4} {5}' -f $_.PhoneNumberId, $_.Change, $_.Property, $_.OldValue, $_.NewValue, $_.Source } }
    function script:Get-ListingCount([string] $Account = $market) { @(Get-RequestLog $emu | Where-Object path -like "*/$Account/phone_numbers").Count }
    function script:New-StatePath { Join-Path $TestDrive "state-$([guid]::NewGuid().ToString('N')).json" }
}

AfterAll {
    Disconnect-WaAccount
    if ($emu) { Stop-WaEmulator $emu }
}

Describe 'A running watch' {
    BeforeAll {
        Reset-Emulator $emu
        $script:state = New-StatePath
        $null = Watch-WaPhoneNumber -StatePath $state -Once
    }

    It 'writes a change seen only by its polls, once, with Source Poll' {
        Set-EmulatorNumber $connected @{ qualityRating = 'YELLOW' }
        Clear-RequestLog $emu
        # The first change written sets off another one, which only the next poll can see.
        $changes = @(Watch-WaPhoneNumber -StatePath $state -PollIntervalSec 1 -Count 2 -TimeoutSec 120 | ForEach-Object {
                if ($_.PhoneNumberId -eq $connected) { Set-EmulatorNumber $ready @{ status = 'BANNED' } }
                $_
            })
        $changes | Format-Change | Should -Be @(
            "$connected QualityDown QualityRating GREEN YELLOW Poll"
            "$ready StatusChanged Status DISCONNECTED BANNED Poll"
        )
        $changes[1].Severity | Should -Be 'Error'
        $changes[1].BusinessAccountId | Should -Be $market
        Get-ListingCount | Should -BeGreaterOrEqual 2
    }

    It 'writes nothing again once those changes are in the saved state' {
        Watch-WaPhoneNumber -StatePath $state -Once | Should -BeNullOrEmpty
    }

    It 'stops on -TimeoutSec with the state saved' {
        Set-EmulatorNumber $rateLimited @{ qualityRating = 'RED' }
        $elapsed = Measure-Command { $changes = @(Watch-WaPhoneNumber -StatePath $state -PollIntervalSec 3600 -TimeoutSec 2) }
        $changes | Format-Change | Should -Be "$rateLimited QualityDown QualityRating YELLOW RED Poll"
        # Far below the hour to the next poll: the timeout ended the wait (a loaded machine may take long to start pwsh work, hence the margin).
        $elapsed.TotalSeconds | Should -BeLessThan 60
        Watch-WaPhoneNumber -StatePath $state -Once | Should -BeNullOrEmpty
    }

    It 'shows Source in the list view' {
        Set-EmulatorNumber $connected @{ qualityRating = 'GREEN' }
        $text = Watch-WaPhoneNumber -StatePath $state -Once | Format-List | Out-String
        $text | Should -Match 'Source\s+:\s+Poll'
    }
}

Describe 'A restart on the same state' {
    BeforeAll {
        Reset-Emulator $emu
        $script:state = New-StatePath
    }

    It 'takes the first poll as the baseline and says so' {
        $verbose = Watch-WaPhoneNumber -StatePath $state -Once -Verbose 4>&1
        @($verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }) | Should -BeNullOrEmpty
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) -join "`n" | Should -Match 'No saved state.*baseline'
        Test-Path $state | Should -BeTrue
    }

    It 'reports what changed while no watch ran, and nothing that an earlier run wrote' {
        Set-EmulatorNumber $connected @{ qualityRating = 'YELLOW' }
        @(Watch-WaPhoneNumber -StatePath $state -PollIntervalSec 1 -Count 1 -TimeoutSec 120) | Format-Change |
            Should -Be "$connected QualityDown QualityRating GREEN YELLOW Poll"

        # Stopped; meanwhile Meta lowers a limit and a number is added to the account.
        Set-EmulatorNumber $ready @{ whatsappBusinessManagerMessagingLimit = 'TIER_250' }
        $added = New-WaPhoneNumber -BusinessAccountId $market -CountryCode 1 -PhoneNumber 5550199077 -VerifiedName "Jasper's Watch"

        Watch-WaPhoneNumber -StatePath $state -Once | Format-Change | Should -Be @(
            "$ready LimitDown MessagingLimitTier TIER_2K TIER_250 Poll"
            "$($added.Id) Added    Poll"
        )
        Watch-WaPhoneNumber -StatePath $state -Once | Should -BeNullOrEmpty
    }

    It 'writes later the changes Select-Object did not take, and never the one it took' {
        Set-EmulatorNumber $rateLimited @{ qualityRating = 'GREEN'; status = 'CONNECTED' }
        @(Watch-WaPhoneNumber -StatePath $state | Select-Object -First 1) | Format-Change |
            Should -Be "$rateLimited StatusChanged Status RATE_LIMITED CONNECTED Poll"
        Watch-WaPhoneNumber -StatePath $state -Once | Format-Change | Should -Be "$rateLimited QualityUp QualityRating YELLOW GREEN Poll"
    }

    It 'keeps the state in a folder given as -StatePath, with no token in it' {
        $folder = Join-Path $TestDrive 'watch-folder'
        $null = New-Item -ItemType Directory $folder
        $null = Watch-WaPhoneNumber -StatePath $folder -Once
        # The state, and the lock file a watch holds while it runs; nothing else (no temporary file).
        @((Get-ChildItem $folder).Name | Sort-Object) | Should -Be @('watch-state.json', 'watch-state.json.lock')
        Get-Content -Raw (Join-Path $folder 'watch-state.json') | Should -Not -Match ([regex]::Escape($emu.Token))
    }
}

Describe 'A poll that fails' {
    BeforeAll {
        Reset-Emulator $emu
        $script:state = New-StatePath
        $null = Watch-WaPhoneNumber -BusinessAccountId $market, $test -StatePath $state -Once
    }

    It 'is a non-terminating error for the account, reports no number removed, and the next poll works' {
        Set-EmulatorNumber $connected @{ status = 'FLAGGED' }
        Add-Fault $emu @{ method = 'GET'; pathContains = "$market/phone_numbers"; kind = 'graph'; status = 401; code = 190; count = 1 }
        $changes = @(Watch-WaPhoneNumber -BusinessAccountId $market, $test -StatePath $state -PollIntervalSec 1 -Count 1 -TimeoutSec 120 -ErrorVariable failures -ErrorAction SilentlyContinue)

        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.190,*'
        $failures[0].TargetObject | Should -Be $market
        $failures[0].ErrorDetails.Message | Should -Match 'none is reported removed'
        $changes | Format-Change | Should -Be "$connected StatusChanged Status CONNECTED FLAGGED Poll"
        Get-ListingCount | Should -Be 3   # the baseline, the failed poll, the next one
    }

    It 'leaves every number of a failed -Once run for the next run' {
        Set-EmulatorNumber $connected @{ status = 'CONNECTED' }
        Add-Fault $emu @{ method = 'GET'; pathContains = "$market/phone_numbers"; kind = 'graph'; status = 401; code = 190; count = 1 }
        $failed = @(Watch-WaPhoneNumber -BusinessAccountId $market, $test -StatePath $state -Once -ErrorVariable failures -ErrorAction SilentlyContinue)
        $failed | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        Watch-WaPhoneNumber -BusinessAccountId $market, $test -StatePath $state -Once | Format-Change |
            Should -Be "$connected StatusChanged Status FLAGGED CONNECTED Poll"
    }
}

Describe 'A state that does not fit' {
    BeforeAll { Reset-Emulator $emu }

    It 'is refused when it is the state of other accounts, before any request, and kept' {
        $state = New-StatePath
        $null = Watch-WaPhoneNumber -BusinessAccountId $market -StatePath $state -Once
        $saved = Get-FileHash $state
        Clear-RequestLog $emu
        { Watch-WaPhoneNumber -BusinessAccountId $market, $test -StatePath $state -Once } | Should -Throw -ErrorId 'WaWatchStateOtherAccounts,*'
        { Watch-WaPhoneNumber -BusinessAccountId $test -StatePath $state -Once } | Should -Throw "*is for the WhatsApp Business Accounts $market, not $test*"
        @(Get-RequestLog $emu).Count | Should -Be 0
        (Get-FileHash $state).Hash | Should -Be $saved.Hash
    }

    It 'is refused when it cannot be read, and kept' {
        $state = New-StatePath
        Set-Content $state '<xml>not a watch state</xml>'
        { Watch-WaPhoneNumber -StatePath $state -Once } | Should -Throw -ErrorId 'WaWatchStateUnreadable,*'
        Get-Content -Raw $state | Should -Be "<xml>not a watch state</xml>$([Environment]::NewLine)"
    }

    It 'is refused while another watch (another process) uses it, and free again once that process is killed' {
        $state = New-StatePath
        $null = Watch-WaPhoneNumber -StatePath $state -Once
        $saved = Get-FileHash $state
        $script = @"
Import-Module '$env:WHATSAPP_TEST_MODULE'
Connect-WaAccount -AccessToken '$($emu.Token)' -BaseUri '$($emu.BaseUri)' -BusinessAccountId $market
Watch-WaPhoneNumber -StatePath '$state' -PollIntervalSec 600 -TimeoutSec 300 -Verbose 4>&1 | ForEach-Object { "`$_" }
"@
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
        $out = Join-Path $TestDrive "watch-$([guid]::NewGuid()).txt"
        $other = Start-Process dotnet -ArgumentList (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded -PassThru -RedirectStandardOutput $out
        try {
            # It holds the state once it says it is watching (the lock comes before the state is read);
            # polled with a bound, and without touching the lock, which would race the other watch for it.
            for ($i = 0; $i -lt 1200 -and -not ((Test-Path $out) -and (Get-Content -Raw $out) -match 'Watching the numbers'); $i++) { Start-Sleep -Milliseconds 50 }
            Get-Content -Raw $out | Should -Match 'Watching the numbers'
            { Watch-WaPhoneNumber -StatePath $state -Once } | Should -Throw -ErrorId 'WaWatchStateLocked,*'
            { Watch-WaPhoneNumber -StatePath $state -Once } | Should -Throw '*Another Watch-WaPhoneNumber is using the watch state*'
        }
        finally {
            $other.Kill()
            $other.WaitForExit()
        }
        # Killed, it holds nothing: the lock went with the process, and the state is the one saved.
        (Get-FileHash $state).Hash | Should -Be $saved.Hash
        @(Watch-WaPhoneNumber -StatePath $state -Once -ErrorAction Stop).Count | Should -Be 0
    }

    It 'is needed by -Once' {
        { Watch-WaPhoneNumber -Once } | Should -Throw -ErrorId 'WaWatchOnceWithoutState,*'
    }
}

Describe 'The runbook of the README' {
    BeforeAll {
        Reset-Emulator $emu
        $script:runbook = Join-Path $PSScriptRoot '../../examples/watch-numbers.ps1'
        $script:state = New-StatePath
    }

    It 'is the code the README shows' {
        $readme = Get-Content -Raw (Join-Path $PSScriptRoot '../../README.md')
        $section = ($readme -split '(?m)^## ') | Where-Object { $_ -like 'Watching for changes*' }
        $section | Should -Not -BeNullOrEmpty
        $code = [regex]::Match($section, '(?s)```powershell\r?\n(.*?)```').Groups[1].Value
        $code.Trim() | Should -Be (Get-Content -Raw $runbook).Trim()
    }

    It 'saves the first state without reporting anything' {
        @(& $runbook -StatePath $state) | Should -BeNullOrEmpty
        Test-Path $state | Should -BeTrue
    }

    It 'lists the changes, alerts on the errors and saves the new state' {
        Set-EmulatorNumber $connected @{ qualityRating = 'YELLOW' }
        Set-EmulatorNumber $ready @{ whatsappBusinessManagerMessagingLimit = 'TIER_10K' }
        Set-EmulatorNumber $rateLimited @{ qualityRating = 'RED' }
        $output = [System.Collections.Generic.List[object]]::new()
        { & $runbook -StatePath $state -BusinessAccountId $market | ForEach-Object { $output.Add($_) } } |
            Should -Throw "WhatsApp numbers need attention:*Error QualityDown: +1 555-025-3489 ($rateLimited) QualityRating YELLOW -> RED"
        $output | Should -Be @(
            "Warning QualityDown: +1 555-025-3481 ($connected) QualityRating GREEN -> YELLOW"
            "Information LimitUp: +1 555-025-3482 ($ready) MessagingLimitTier TIER_2K -> TIER_10K"
            "Error QualityDown: +1 555-025-3489 ($rateLimited) QualityRating YELLOW -> RED"
        )
    }

    It 'reports each change once: the next run finds nothing' {
        @(& $runbook -StatePath $state) | Should -BeNullOrEmpty
    }

    It 'fails the job when the listing fails, and reports no number removed then or later' {
        Add-Fault $emu @{ method = 'GET'; pathContains = '/phone_numbers'; kind = 'graph'; status = 401; code = 190; count = 1 }
        { & $runbook -StatePath $state } | Should -Throw '*WhatsApp numbers need attention:*'
        @(& $runbook -StatePath $state) | Should -BeNullOrEmpty
    }
}
