# The module against the local Graph API emulator, as a user runs it: listing, filtering,
# exporting, registering, unregistering and errors.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:emu = Start-TestEmulator
    $script:recordedWaba = '114503234599312'
    $script:recordedNumber = '107878721936019'   # SANDBOX, DISCONNECTED, PIN 123456 (the recorded fixtures)
    Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $recordedWaba
}

AfterAll {
    Disconnect-WaAccount
    if ($emu) { Stop-WaEmulator $emu }
}

Describe 'Listing an account' {
    BeforeEach { Reset-Emulator $emu }

    It 'lists the recorded account with the recorded values, typed, with the account ID' {
        $numbers = @(Get-WaPhoneNumber)
        $numbers.Count | Should -Be 1
        $n = $numbers[0]
        $n | Should -BeOfType ([WhatsappPhone.Models.PhoneNumber])
        $n.Id | Should -Be $recordedNumber
        $n.DisplayPhoneNumber | Should -Be '+1 555-093-4873'
        $n.VerifiedName | Should -Be 'Test Number'
        $n.Status | Should -Be 'DISCONNECTED'
        $n.BusinessAccountId | Should -Be $recordedWaba
    }

    It 'asks for a full page with the fields of the connected API version' {
        Clear-RequestLog $emu
        $null = Get-WaPhoneNumber
        $log = Get-RequestLog $emu
        $log.Count | Should -Be 1
        $log[0].method | Should -Be 'GET'
        $log[0].path | Should -Be "/v25.0/$recordedWaba/phone_numbers"
        $log[0].query | Should -Match 'limit=100'
        $log[0].query | Should -Match 'whatsapp_business_manager_messaging_limit'
    }

    It 'asks v23 for the old limit field only' {
        $ctx = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -ApiVersion v23.0 -BusinessAccountId $recordedWaba -PassThru
        $n = Get-WaPhoneNumber -Context $ctx
        $n.MessagingLimitTier | Should -Be 'TIER_250'
        $n.DailyMessageLimit | Should -Be 250
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $recordedWaba
    }

    It 'reads extra fields with -Property as note properties' {
        $n = Get-WaPhoneNumber -Property search_visibility
        $n.SearchVisibility | Should -Be 'NON_VISIBLE'
    }

    It 'exports to CSV with a value, never a type name, in every cell' {
        $file = Join-Path $TestDrive 'numbers.csv'
        Get-WaPhoneNumber -BusinessAccountId $recordedWaba | Export-Csv $file -NoTypeInformation
        $rows = @(Import-Csv $file)
        $rows.Count | Should -Be 1
        $rows[0].Id | Should -Be $recordedNumber
        $rows[0].IsPinEnabled | Should -Be 'True'
        (Get-Content $file -Raw) | Should -Not -Match 'System\.|WhatsappPhone\.'
    }
}

Describe 'Paging over thousands of numbers' {
    BeforeAll {
        $script:big = Start-TestEmulator -Numbers 2345
        $script:bigCtx = Connect-WaAccount -AccessToken $big.Token -BaseUri $big.BaseUri -BusinessAccountId 120000000000001 -PassThru
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $recordedWaba
    }
    AfterAll { if ($big) { Stop-WaEmulator $big } }
    BeforeEach { Clear-RequestLog $big }

    It 'returns every number exactly once, in 100-number pages' {
        $ids = @(Get-WaPhoneNumber -Context $bigCtx).Id
        $ids.Count | Should -Be 2345
        @($ids | Select-Object -Unique).Count | Should -Be 2345
        (Get-RequestLog $big).Count | Should -Be 24
    }

    It 'stops at -First without fetching further pages' {
        @(Get-WaPhoneNumber -Context $bigCtx -First 150).Count | Should -Be 150
        (Get-RequestLog $big).Count | Should -Be 2
    }

    It 'asks for a small page when -First is small' {
        @(Get-WaPhoneNumber -Context $bigCtx -First 5).Count | Should -Be 5
        $log = Get-RequestLog $big
        $log.Count | Should -Be 1
        $log[0].query | Should -Match 'limit=5(&|$)'
    }

    It 'skips with -Skip and counts with -IncludeTotalCount' {
        $all = @(Get-WaPhoneNumber -Context $bigCtx -First 20).Id
        $page = @(Get-WaPhoneNumber -Context $bigCtx -Skip 10 -First 10 | Where-Object { $_ -is [WhatsappPhone.Models.PhoneNumber] }).Id
        $page | Should -Be $all[10..19]
        $total = Get-WaPhoneNumber -Context $bigCtx -First 1 -IncludeTotalCount | Where-Object { $_ -isnot [WhatsappPhone.Models.PhoneNumber] }
        "$total" | Should -Match '2345'
    }

    It 'ends the listing when Select-Object -First stops the pipeline' {
        # One page is read ahead of the page being written (PagesAhead), never two. The consumer holds page 1
        # until page 2 was asked for, as a slow consumer or a loaded CPU does: the read-ahead happens while
        # page 1 is written, and page 3 must still not be asked for. (Freeing the read-ahead's place when a page
        # was taken rather than written let page 3 go out whenever page 2 came back first: 3 requests.)
        $held = $false
        $numbers = @(Get-WaPhoneNumber -Context $bigCtx | ForEach-Object {
                if (-not $held) {
                    $held = $true
                    $until = [DateTime]::UtcNow.AddSeconds(10)
                    while (@(Get-RequestLog $big).Count -lt 2 -and [DateTime]::UtcNow -lt $until) { }
                }
                $_
            } | Select-Object -First 3)
        $numbers.Count | Should -Be 3
        @(Get-RequestLog $big).Count | Should -Be 2
        # Nothing goes on in the background once the pipeline stopped.
        Start-Sleep -Milliseconds 500
        @(Get-RequestLog $big).Count | Should -Be 2
    }

    It 'filters with Where-Object on typed values' {
        $numbers = Get-WaPhoneNumber -Context $bigCtx
        $low = @($numbers | Where-Object DailyMessageLimit -lt 10000)
        $low.Count | Should -BeGreaterThan 0
        $low | ForEach-Object { $_.DailyMessageLimit | Should -BeLessThan 10000 }
        @($numbers | Where-Object Status -eq 'CONNECTED').Count | Should -BeGreaterThan 0
    }

    It 'gets piped numbers back by ID, in input order' {
        $some = Get-WaPhoneNumber -Context $bigCtx -First 7
        Clear-RequestLog $big
        $again = @($some | Get-WaPhoneNumber -Context $bigCtx)
        $again.Id | Should -Be $some.Id
        # Fetched concurrently, so they may arrive in any order; written in input order all the same.
        (Get-RequestLog $big).path | Sort-Object | Should -Be ($some.Id | ForEach-Object { "/v25.0/$_" } | Sort-Object)
    }
}

Describe 'Registering and deregistering' {
    BeforeEach { Reset-Emulator $emu; Clear-RequestLog $emu }

    It 'registers with the PIN as JSON, then unregisters, and the listing shows each state' {
        Register-WaPhoneNumber -PhoneNumberId $recordedNumber -Pin '123456'
        $log = Get-RequestLog $emu
        $log[0].method | Should -Be 'POST'
        $log[0].path | Should -Be "/v25.0/$recordedNumber/register"
        (Get-WaPhoneNumber).Status | Should -Be 'CONNECTED'

        Unregister-WaPhoneNumber -PhoneNumberId $recordedNumber -Force
        (Get-WaPhoneNumber).Status | Should -Be 'DISCONNECTED'
    }

    It 'returns the re-read number with -PassThru' {
        $n = Register-WaPhoneNumber -PhoneNumberId $recordedNumber -Pin '123456' -PassThru
        $n.Status | Should -Be 'CONNECTED'
        $n.PlatformType | Should -Be 'CLOUD_API'
        $n = Unregister-WaPhoneNumber -PhoneNumberId $recordedNumber -Confirm:$false -PassThru
        $n.Status | Should -Be 'DISCONNECTED'
    }

    It 'registers the numbers a pipeline filters' {
        Get-WaPhoneNumber | Where-Object Status -eq 'DISCONNECTED' | Register-WaPhoneNumber -Pin '123456'
        (Get-WaPhoneNumber).Status | Should -Be 'CONNECTED'
    }

    It 'sends nothing with -WhatIf' {
        Register-WaPhoneNumber -PhoneNumberId $recordedNumber -Pin '123456' -WhatIf
        Unregister-WaPhoneNumber -PhoneNumberId $recordedNumber -WhatIf
        Get-RequestLog $emu | Should -BeNullOrEmpty
    }

    It 'reports a wrong PIN as WaApi.133005 and sends it once' {
        Register-WaPhoneNumber -PhoneNumberId $recordedNumber -Pin '000000' -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.133005,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].TargetObject | Should -Be $recordedNumber
        $err[0].Exception.Code | Should -Be 133005
        "$($err[0])" | Should -Not -Match '000000'
        @(Get-RequestLog $emu).Count | Should -Be 1
    }

    It 'reports deregistering an unregistered number as WaApi.133010' {
        Unregister-WaPhoneNumber -PhoneNumberId $recordedNumber -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Code | Should -Be 133010
        $err[0].Exception.Message | Should -Match 'not registered'
        "$($err[0])" | Should -Match 'Register-WaPhoneNumber'
    }
}

Describe 'Errors scripts can branch on' {
    BeforeEach { Reset-Emulator $emu }

    It 'gives an unknown ID as WaApi.100.33, ObjectNotFound, with the trace ID' {
        Get-WaPhoneNumber -PhoneNumberId 123123 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.100.33,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be '123123'
        $err[0].Exception.FbTraceId | Should -Not -BeNullOrEmpty
        $err[0].Exception.Message | Should -Match 'not the phone number itself'
    }

    It 'can be caught as a GraphApiException with -ErrorAction Stop' {
        $code = try { Get-WaPhoneNumber -PhoneNumberId 123123 -ErrorAction Stop; 'none' } catch [WhatsappPhone.Api.GraphApiException] { $_.Exception.Code }
        $code | Should -Be 100
    }

    It 'keeps going after one failing ID in a pipeline' {
        $out = @('123123', $recordedNumber) | Get-WaPhoneNumber -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $out.Id | Should -Be $recordedNumber
    }

    It 'reports a wrong token as WaApi.190, AuthenticationError' {
        $bad = Connect-WaAccount -AccessToken 'wrong' -BaseUri $emu.BaseUri -PassThru
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $recordedWaba
        Get-WaPhoneNumber -PhoneNumberId $recordedNumber -Context $bad -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.190,*'
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
    }

    It 'rides out an HTML page from a proxy by retrying the GET' {
        Add-Fault $emu @{ pathContains = '/phone_numbers'; kind = 'html'; status = 502; count = 1 }
        (Get-WaPhoneNumber).Id | Should -Be $recordedNumber
    }

    It 'reports an HTML page from a proxy with its status, not a JSON error, once retries are spent' {
        $noRetry = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $recordedWaba -MaxRetries 0 -PassThru
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $recordedWaba
        Add-Fault $emu @{ pathContains = '/phone_numbers'; kind = 'html'; status = 502; count = 1 }
        Get-WaPhoneNumber -Context $noRetry -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.Http502,*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $err[0].Exception.Message | Should -Match '502'
    }
}

Describe 'Runbooks and parallel runspaces' {
    BeforeEach { Reset-Emulator $emu }

    It 'runs with environment variables only, in a fresh process' {
        $script = "Import-Module '$env:WHATSAPP_TEST_MODULE'; (Get-WaPhoneNumber).Id"
        $env:WHATSAPP_ACCESS_TOKEN = $emu.Token
        $env:WHATSAPP_BASE_URI = $emu.BaseUri
        $env:WHATSAPP_BUSINESS_ID = $recordedWaba
        try { $out = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script }
        finally { Remove-Item env:WHATSAPP_ACCESS_TOKEN, env:WHATSAPP_BASE_URI, env:WHATSAPP_BUSINESS_ID }
        $out | Should -Be $recordedNumber
    }

    It 'acts with each runspace''s own context in ForEach-Object -Parallel' {
        $good = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $recordedWaba -PassThru
        $bad = Connect-WaAccount -AccessToken 'wrong' -BaseUri $emu.BaseUri -BusinessAccountId $recordedWaba -PassThru
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $recordedWaba
        $module = $env:WHATSAPP_TEST_MODULE
        $results = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
            Import-Module $using:module
            $ctx = if ($_ % 2) { $using:good } else { $using:bad }
            try { (Get-WaPhoneNumber -Context $ctx -ErrorAction Stop).Id } catch { "error $($_.Exception.Code)" }
        }
        @($results | Where-Object { $_ -eq $recordedNumber }).Count | Should -Be 4
        @($results | Where-Object { $_ -eq 'error 190' }).Count | Should -Be 4
    }
}

Describe 'Secrets' {
    BeforeEach { Reset-Emulator $emu }

    It 'never shows the token or the PIN in verbose, debug or error output' {
        $secretToken = $emu.Token
        $all = & {
            Register-WaPhoneNumber -PhoneNumberId $recordedNumber -Pin '123456' -PassThru -Verbose -Debug
            Register-WaPhoneNumber -PhoneNumberId $recordedNumber -Pin '654321' -Verbose -Debug -ErrorAction Continue
            Get-WaPhoneNumber -Verbose -Debug
        } *>&1 | Out-String
        $errors = $Error | Format-List * -Force | Out-String
        $all | Should -Match 'DEBUG|GET'
        foreach ($text in $all, $errors) {
            $text | Should -Not -Match $secretToken
            $text | Should -Not -Match '123456|654321'
        }
    }

    It 'keeps the token, PINs and codes out of transcripts, exception text and exported contexts' {
        $secretToken = $emu.Token
        $unverified = '1103378460952181'
        $transcript = Join-Path $TestDrive 'transcript.txt'
        $clixml = Join-Path $TestDrive 'context.xml'
        $Error.Clear()
        $null = Start-Transcript -Path $transcript
        try {
            Set-WaPhoneNumberPin -PhoneNumberId 999999999999999 -Pin '975310' -Verbose -Debug -ErrorAction SilentlyContinue
            Confirm-WaPhoneNumberCode -PhoneNumberId $unverified -Code '864209' -Verbose -Debug -ErrorAction SilentlyContinue
            Register-WaPhoneNumber -PhoneNumberId $recordedNumber -Pin '531975' -Verbose -Debug -ErrorAction SilentlyContinue
        }
        finally { $null = Stop-Transcript }
        $Error.Count | Should -BeGreaterOrEqual 3
        Connect-WaAccount -AccessToken $secretToken -BaseUri $emu.BaseUri -PassThru | Export-Clixml $clixml

        $texts = @(
            Get-Content $transcript -Raw
            $Error | ForEach-Object { $_.Exception.ToString(); $_ | Format-List * -Force | Out-String }
            Get-Content $clixml -Raw
        )
        # The transcript did capture the commands' debug traces, so the checks below are not vacuous.
        $texts[0] | Should -Match '/register'
        foreach ($text in $texts) {
            $text | Should -Not -Match ([regex]::Escape($secretToken))
            $text | Should -Not -Match '975310|864209|531975'
        }
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $recordedWaba
    }
}
