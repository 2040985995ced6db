# The whole life of a number against the emulator: verify by code, set the PIN, register, check
# its health, deregister; the health check of sick numbers; business portfolios.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:emu = Start-TestEmulator
    $script:portfolio = '2245160378861502'
    $script:market = '104996122399160'          # Jasper's Market, a client account with many numbers
    $script:newNumber = '1103378460952181'      # UNVERIFIED, no PIN yet
    Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $market
}

AfterAll {
    Disconnect-WaAccount
    if ($emu) { Stop-WaEmulator $emu }
}

Describe 'The lifecycle of a new number' {
    BeforeAll { Reset-Emulator $emu }

    It 'cannot be registered before it is verified (133006)' {
        Register-WaPhoneNumber -PhoneNumberId $newNumber -Pin '246802' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Code | Should -Be 133006
        $err[0].Exception.Message | Should -Match 'request_code'
    }

    It 'requests a code by SMS, sending code_method and language' {
        Clear-RequestLog $emu
        Request-WaPhoneNumberCode -PhoneNumberId $newNumber -Method SMS -Language en_GB
        $log = @(Get-RequestLog $emu)
        $log.Count | Should -Be 1
        $log[0].method | Should -Be 'POST'
        $log[0].path | Should -Be "/v25.0/$newNumber/request_code"
        ($log[0].body | ConvertFrom-Json).code_method | Should -Be 'SMS'
        ($log[0].body | ConvertFrom-Json).language | Should -Be 'en_GB'
    }

    It 'refuses a wrong code and accepts the right one, never printing it' {
        $code = (Invoke-Control $emu "numbers/$newNumber/code").code
        $wrong = if ($code -eq '111111') { '222222' } else { '111111' }
        Confirm-WaPhoneNumberCode -PhoneNumberId $newNumber -Code $wrong -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        "$($err[0])" | Should -Not -Match $wrong

        $out = Confirm-WaPhoneNumberCode -PhoneNumberId $newNumber -Code $code -PassThru -Verbose -Debug *>&1 | Out-String
        $out | Should -Not -Match $code
        (Get-WaPhoneNumber -PhoneNumberId $newNumber).CodeVerificationStatus | Should -Be 'VERIFIED'
    }

    It 'sets the two-step PIN' {
        Clear-RequestLog $emu
        Set-WaPhoneNumberPin -PhoneNumberId $newNumber -Pin (ConvertTo-SecureString '246802' -AsPlainText -Force)
        $log = @(Get-RequestLog $emu)
        $log[0].path | Should -Be "/v25.0/$newNumber"
        # The emulator logs a PIN's shape only: sent as a string of six, never its digits.
        ($log[0].body | ConvertFrom-Json).pin | Should -Be '******'
        $log[0].body | Should -Not -Match '246802'
        (Get-WaPhoneNumber -PhoneNumberId $newNumber).IsPinEnabled | Should -BeTrue
    }

    It 'registers with that PIN' {
        $n = Register-WaPhoneNumber -PhoneNumberId $newNumber -Pin '246802' -PassThru
        $n.Status | Should -Be 'CONNECTED'
        $n.PlatformType | Should -Be 'CLOUD_API'
    }

    It 'skips a number already registered with -SkipIfRegistered, spending no register call' {
        Clear-RequestLog $emu
        $n = Register-WaPhoneNumber -PhoneNumberId $newNumber -Pin '246802' -SkipIfRegistered -PassThru
        $n.Status | Should -Be 'CONNECTED'
        @(Get-RequestLog $emu | Where-Object path -like '*/register').Count | Should -Be 0
    }

    It 'is healthy, with only the low messaging limit as a warning' {
        $h = Test-WaPhoneNumber $newNumber
        $h.Healthy | Should -BeTrue
        $h.Issues.Severity | Should -Not -Contain 'Error'
        $h.Issues.Area | Should -Contain 'MessagingLimit'
        Test-WaPhoneNumber $newNumber -Quiet | Should -BeTrue
    }

    It 'is deregistered at the end' {
        (Unregister-WaPhoneNumber -PhoneNumberId $newNumber -Force -PassThru).Status | Should -Be 'DISCONNECTED'
    }
}

Describe 'The health check of sick numbers' {
    BeforeAll { Reset-Emulator $emu; $script:report = Test-WaPhoneNumber -BusinessAccountId $market }

    It 'checks every number of the account' {
        $report.Count | Should -Be (@(Get-WaPhoneNumber -BusinessAccountId $market).Count)
    }

    It 'lists each problem of a banned number with its fix' {
        $banned = $report | Where-Object PhoneNumberId -eq '108722913904416'
        $banned.Healthy | Should -BeFalse
        $banned.Issues.Area | Should -Contain 'Status'
        $banned.Issues.Area | Should -Contain 'Quality'
        $lock = $banned.Issues | Where-Object Problem -like '*131031*'
        $lock.Severity | Should -Be 'Error'
        $lock.Fix | Should -Match 'Request a review'
        $banned.IssuesText | Should -Match 'BANNED'
    }

    It 'flags an expired code verification and a pending display name' {
        ($report | Where-Object PhoneNumberId -eq '117209448120553').Issues.Area | Should -Contain 'CodeVerification'
        ($report | Where-Object PhoneNumberId -eq '1095628394417265').Issues.Area | Should -Contain 'DisplayName'
    }

    It 'finds a connected, green, high-limit number healthy with no issue' {
        $good = $report | Where-Object PhoneNumberId -eq '106540352242922'
        $good.Healthy | Should -BeTrue
        $good.Issues | Should -BeNullOrEmpty
    }

    It 'returns one false with -Quiet when any number is sick' {
        $r = @(Test-WaPhoneNumber -BusinessAccountId $market -Quiet)
        $r | Should -Be @($false)
    }

    It 'exports flat rows to CSV' {
        $file = Join-Path $TestDrive 'health.csv'
        $report | Export-Csv $file -NoTypeInformation
        (Import-Csv $file | Where-Object PhoneNumberId -eq '108722913904416').IssuesText | Should -Match 'Status'
    }

    It 'takes numbers from the pipeline' {
        $r = @(Get-WaPhoneNumber -First 3 | Test-WaPhoneNumber)
        $r.Count | Should -Be 3
        $r[0] | Should -BeOfType ([WhatsappPhone.Models.PhoneNumberHealth])
    }
}

Describe 'Business portfolios' {
    BeforeAll { Reset-Emulator $emu }

    It 'lists owned and client accounts, typed' {
        $accounts = Get-WaBusinessAccount -BusinessId $portfolio
        ($accounts | Where-Object Ownership -eq 'Owned').Id | Should -Contain '114503234599312'
        ($accounts | Where-Object Ownership -eq 'Client').Id | Should -Contain $market
        $accounts[0] | Should -BeOfType ([WhatsappPhone.Models.BusinessAccount])
        @(Get-WaBusinessAccount -BusinessId $portfolio -Ownership Client).Id | Should -Not -Contain '114503234599312'
    }

    It 'gives one error, not one per edge, for an unknown portfolio, and goes on with the next' {
        Clear-RequestLog $emu
        $accounts = @(Get-WaBusinessAccount -BusinessId 999999999999999, $portfolio -ErrorVariable err -ErrorAction SilentlyContinue)
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.100.33,*'
        $err[0].TargetObject | Should -Be '999999999999999'
        $accounts.Id | Should -Contain $market
        @(Get-RequestLog $emu | Where-Object path -like '*/999999999999999/*').Count | Should -Be 1
    }

    It 'lists the numbers of piped accounts, each with its account ID' {
        $numbers = Get-WaBusinessAccount -BusinessId $portfolio | Get-WaPhoneNumber
        ($numbers | Where-Object BusinessAccountId -eq '114503234599312').Id | Should -Be '107878721936019'
        @($numbers | Where-Object BusinessAccountId -eq $market).Count | Should -BeGreaterThan 5
    }

    It 'still binds a piped PhoneNumber as a phone-number ID' {
        Clear-RequestLog $emu
        $n = Get-WaPhoneNumber -PhoneNumberId 107878721936019
        Clear-RequestLog $emu
        ($n | Get-WaPhoneNumber).Id | Should -Be '107878721936019'
        (Get-RequestLog $emu).path | Should -Be '/v25.0/107878721936019'
    }
}
