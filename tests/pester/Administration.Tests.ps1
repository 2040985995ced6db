# Administering a number beyond registration, against the emulator: add it, verify it, give it
# local storage and register it, rename it and register again after approval, give it a business
# profile with a picture, check its account; migration; and every bad input refused unsent.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:emu = Start-TestEmulator
    $script:app = '875629473610042'              # the app of the emulator's token
    $script:testWaba = '114503234599312'         # Test WhatsApp Business Account (approved)
    $script:market = '104996122399160'           # Jasper's Market
    $script:connected = '106540352242922'        # registered, PIN 246810
    $script:readyNoPin = '1120467832615094'      # +1 555-025-3482, verified, unregistered, no PIN
    $script:pin = '246802'
    $env:WHATSAPP_APP_ID = $null
    Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -AppId $app

    # The smallest PNG header: enough for the checks, which read the first bytes.
    $script:png = Join-Path $TestDrive 'logo.png'
    [IO.File]::WriteAllBytes($png, [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52))

    function script:Posts { @(Get-RequestLog $emu | Where-Object method -eq 'POST') }
}

AfterAll {
    Disconnect-WaAccount
    if ($emu) { Stop-WaEmulator $emu }
}

Describe 'The whole administration of a new number' {
    BeforeAll { Reset-Emulator $emu }

    It 'adds the number, reads it back and pipes it into Request-WaPhoneNumberCode' {
        Clear-RequestLog $emu
        $script:number = New-WaPhoneNumber -BusinessAccountId $testWaba -CountryCode '+1' -PhoneNumber '555 019-9001' -VerifiedName "Jasper's Deli" |
            Request-WaPhoneNumberCode -Method SMS -PassThru
        $number.Status | Should -Be 'UNVERIFIED'
        $number.DisplayPhoneNumber | Should -Be '+1 555-019-9001'
        $number.NameStatus | Should -Be 'PENDING_REVIEW'
        $add = (Posts)[0]
        $add.path | Should -Be "/v25.0/$testWaba/phone_numbers"
        $body = $add.body | ConvertFrom-Json
        $body.cc | Should -Be '1'
        $body.phone_number | Should -Be '5550199001'
        $body.verified_name | Should -Be "Jasper's Deli"
        $body.PSObject.Properties.Name | Should -Not -Contain 'migrate_phone_number'
        (Posts)[1].path | Should -Be "/v25.0/$($number.Id)/request_code"
    }

    It 'is verified with the code, and its name is approved by the review' {
        $code = (Invoke-Control $emu "numbers/$($number.Id)/code").code
        Confirm-WaPhoneNumberCode -PhoneNumberId $number.Id -Code $code
        $null = Invoke-Control $emu "numbers/$($number.Id)/name-review" -Method Post -Body @{ decision = 'APPROVED' }
        $n = Get-WaPhoneNumber -PhoneNumberId $number.Id
        $n.CodeVerificationStatus | Should -Be 'VERIFIED'
        $n.NameStatus | Should -Be 'APPROVED'
    }

    It 'gets local storage through settings first, then registers without the old register field (v25)' {
        Clear-RequestLog $emu
        $n = Register-WaPhoneNumber -PhoneNumberId $number.Id -Pin $pin -DataLocalizationRegion DE -PassThru
        $n.Status | Should -Be 'CONNECTED'
        $posts = Posts
        $posts.path | Should -Be @("/v25.0/$($number.Id)/settings", "/v25.0/$($number.Id)/register")
        ($posts[0].body | ConvertFrom-Json).storage_configuration.data_localization_region | Should -Be 'DE'
        ($posts[0].body | ConvertFrom-Json).storage_configuration.status | Should -Be 'IN_COUNTRY_STORAGE_ENABLED'
        ($posts[1].body | ConvertFrom-Json).PSObject.Properties.Name | Should -Not -Contain 'data_localization_region'
        $s = Get-WaPhoneNumberSetting -PhoneNumberId $number.Id
        $s.LocalStorageEnabled | Should -BeTrue
        $s.LocalStorageRegion | Should -Be 'DE'
        $s.OtherSettings | Should -Match 'calling'
    }

    It 'refuses to change local storage of the registered number, sending no change' {
        Clear-RequestLog $emu
        Set-WaPhoneNumberSetting -PhoneNumberId $number.Id -LocalStorageRegion CH -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaLocalStorageNeedsUnregisteredNumber,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].TargetObject | Should -Be $number.Id
        "$($err[0])" | Should -Match 'not registered'
        Posts | Should -BeNullOrEmpty
    }

    It 'turns the identity-key check on while registered' {
        $s = Set-WaPhoneNumberSetting -PhoneNumberId $number.Id -IdentityKeyCheck $true -PassThru
        $s.IdentityKeyCheck | Should -BeTrue
    }

    It 'requests a new display name and writes the number with it in review' {
        $n = Set-WaPhoneNumberDisplayName -PhoneNumberId $number.Id -DisplayName "Jasper's Fine Deli"
        $n.NewDisplayName | Should -Be "Jasper's Fine Deli"
        $n.NewNameStatus | Should -Be 'PENDING_REVIEW'
        $n.VerifiedName | Should -Be "Jasper's Deli"
    }

    It 'refuses a second change while one is in review, with the reason, sending no change' {
        Clear-RequestLog $emu
        Set-WaPhoneNumberDisplayName -PhoneNumberId $number.Id -DisplayName 'Another Name' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaDisplayNameInReview,*'
        "$($err[0])" | Should -Match "Jasper's Fine Deli"
        Posts | Should -BeNullOrEmpty
    }

    It 'reports the approved name waiting for re-registration, with the fix' {
        $null = Invoke-Control $emu "numbers/$($number.Id)/name-review" -Method Post -Body @{ decision = 'APPROVED' }
        $issue = (Test-WaPhoneNumber $number.Id).Issues | Where-Object Problem -like '*waiting for re-registration*'
        $issue.Severity | Should -Be 'Warning'
        $issue.Fix | Should -Match 'Register-WaPhoneNumber'
    }

    It 'does not skip that number with -SkipIfRegistered, and the new name then shows' {
        Clear-RequestLog $emu
        $n = Register-WaPhoneNumber -PhoneNumberId $number.Id -Pin $pin -SkipIfRegistered -PassThru
        @(Posts | Where-Object path -like '*/register').Count | Should -Be 1
        $n.VerifiedName | Should -Be "Jasper's Fine Deli"
        $n.NameChangeAwaitingRegistration | Should -BeFalse
        (Test-WaPhoneNumber $number.Id).Issues.Problem | Should -Not -Match 're-registration'
        # Now it is skipped again.
        Clear-RequestLog $emu
        $null = Register-WaPhoneNumber -PhoneNumberId $number.Id -Pin $pin -SkipIfRegistered
        @(Posts | Where-Object path -like '*/register').Count | Should -Be 0
    }

    It 'gets a business profile with a picture, sending only the given fields' {
        Clear-RequestLog $emu
        $p = Set-WaBusinessProfile -PhoneNumberId $number.Id -About 'Fresh food daily' -Website 'https://deli.example' -Vertical GROCERY -ProfilePicturePath $png -PassThru
        $posts = Posts
        $posts[0].path | Should -Be "/v25.0/$app/uploads"
        $posts[0].query | Should -Match 'file_type=image%2Fpng'
        $posts[1].path | Should -BeLike '/v25.0/upload:*'
        $posts[2].path | Should -Be "/v25.0/$($number.Id)/whatsapp_business_profile"
        $sent = $posts[2].body | ConvertFrom-Json
        @($sent.PSObject.Properties.Name | Sort-Object) | Should -Be @('about', 'messaging_product', 'profile_picture_handle', 'vertical', 'websites')
        $p.About | Should -Be 'Fresh food daily'
        $p.Websites | Should -Be @('https://deli.example')
        $p.Vertical | Should -Be 'GROCERY'
        $p.ProfilePictureUrl | Should -Match '^https://pps\.whatsapp\.net/'
    }

    It 'applies the profile read from it to many other numbers, uploading nothing' {
        Clear-RequestLog $emu
        Get-WaBusinessProfile $number.Id | Set-WaBusinessProfile -PhoneNumberId $connected, $readyNoPin
        (Posts).path | Should -Be @("/v25.0/$connected/whatsapp_business_profile", "/v25.0/$readyNoPin/whatsapp_business_profile")
        foreach ($id in $connected, $readyNoPin) {
            $p = Get-WaBusinessProfile $id
            $p.About | Should -Be 'Fresh food daily'
            $p.Vertical | Should -Be 'GROCERY'
        }
    }

    It 'binds Import-Csv rows, an empty cell being left alone' {
        $csv = Join-Path $TestDrive 'profiles.csv'
        @"
PhoneNumberId,About,Email,WebsitesText,Vertical
$connected,Open 8 to 8,hello@market.example,https://market.example https://shop.market.example,RETAIL
$readyNoPin,,ice@market.example,,
"@ | Set-Content $csv
        Import-Csv $csv | Set-WaBusinessProfile
        $a = Get-WaBusinessProfile $connected
        $a.About | Should -Be 'Open 8 to 8'
        $a.Websites | Should -Be @('https://market.example', 'https://shop.market.example')
        $a.Vertical | Should -Be 'RETAIL'
        $b = Get-WaBusinessProfile $readyNoPin
        $b.About | Should -Be 'Fresh food daily'
        $b.Email | Should -Be 'ice@market.example'
    }

    It 'shows its account approved and healthy' {
        $a = Get-WaBusinessAccount -BusinessAccountId $testWaba
        $a.AccountReviewStatus | Should -Be 'APPROVED'
        $a.BusinessVerificationStatus | Should -Be 'VERIFIED'
        $a.OwnershipType | Should -Be 'SELF_OWNED'
        $a.HealthStatus | Should -Be 'AVAILABLE'
        (Test-WaPhoneNumber $number.Id).Issues.Area | Should -Not -Contain "WABA $testWaba"
    }

    It 'finds the account not approved, or unable to send, in the number''s health check' {
        $null = Invoke-Control $emu "wabas/$testWaba" -Method Post -Body @{ accountReviewStatus = 'PENDING'; canSendMessage = 'BLOCKED' }
        $h = Test-WaPhoneNumber $number.Id
        $h.Healthy | Should -BeFalse
        ($h.Issues | Where-Object Problem -like '*not approved*').Area | Should -Be "WABA $testWaba"
        ($h.Issues | Where-Object Problem -like '*payment method*').Fix | Should -Match 'payment method'
    }
}

Describe 'Local storage on API v20 and earlier' {
    BeforeAll { Reset-Emulator $emu }

    It 'keeps data_localization_region in the register body and uses no settings call' {
        $ctx = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -ApiVersion v20.0 -PassThru
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -AppId $app
        Clear-RequestLog $emu
        Register-WaPhoneNumber -PhoneNumberId $readyNoPin -Pin '112233' -DataLocalizationRegion DE -Context $ctx
        $posts = Posts
        $posts.path | Should -Be "/v20.0/$readyNoPin/register"
        ($posts[0].body | ConvertFrom-Json).data_localization_region | Should -Be 'DE'
    }
}

Describe 'Migrating a number from another account' {
    BeforeAll { Reset-Emulator $emu }

    It 'sends migrate_phone_number, keeps the name, and completes when the destination registers' {
        $n = New-WaPhoneNumber -BusinessAccountId $testWaba -CountryCode 1 -PhoneNumber 5550253482 -VerifiedName "Jasper's Ice Cream" -Migrate |
            Request-WaPhoneNumberCode -Method SMS -PassThru
        ((Get-RequestLog $emu | Where-Object path -like '*/phone_numbers' | Select-Object -Last 1).body | ConvertFrom-Json).migrate_phone_number | Should -BeTrue
        $n.VerifiedName | Should -Be "Jasper's Ice Cream"
        $n.NameStatus | Should -Be 'APPROVED'
        $code = (Invoke-Control $emu "numbers/$($n.Id)/code").code
        Confirm-WaPhoneNumberCode -PhoneNumberId $n.Id -Code $code -PassThru | Register-WaPhoneNumber -Pin $pin
        (Get-WaPhoneNumber -PhoneNumberId $readyNoPin).Status | Should -Be 'MIGRATED'
    }

    It 'is refused by Graph when the number has two-step verification on in its account' {
        New-WaPhoneNumber -BusinessAccountId $testWaba -CountryCode 1 -PhoneNumber 5550253481 -VerifiedName "Jasper's Market" -Migrate -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.100,*'
        "$($err[0])" | Should -Match 'Two-step verification'
    }

    It 'refuses a number an account already has, with Graph''s error' {
        New-WaPhoneNumber -BusinessAccountId $testWaba -CountryCode 1 -PhoneNumber 5550253481 -VerifiedName "Jasper's Market" -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.100,*'
        $err[0].Exception.GraphMessage | Should -Match 'already'
    }
}

Describe 'Bad input is refused before any request' {
    BeforeAll {
        Reset-Emulator $emu
        $script:textFile = Join-Path $TestDrive 'logo.png.txt'
        Set-Content $textFile 'not an image'
        $script:bigFile = Join-Path $TestDrive 'big.png'
        $stream = [IO.File]::Create($bigFile)
        $stream.Write([byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A), 0, 8)
        $stream.SetLength(5MB + 1)
        $stream.Dispose()
    }

    It '<case>' -ForEach @(
        @{ case = 'New-WaPhoneNumber: a whole international number';    id = 'WaInvalidArgument'; match = 'CountryCode 1 -PhoneNumber'; run = { New-WaPhoneNumber -BusinessAccountId $testWaba -CountryCode 1 -PhoneNumber '+15550199001' -VerifiedName 'Jasper Deli' } }
        @{ case = 'New-WaPhoneNumber: letters in the number';            id = 'WaInvalidArgument'; match = 'not a phone number'; run = { New-WaPhoneNumber -BusinessAccountId $testWaba -CountryCode 1 -PhoneNumber '555-CALL-NOW' -VerifiedName 'Jasper Deli' } }
        @{ case = 'New-WaPhoneNumber: brackets in the number';           id = 'WaInvalidArgument'; match = 'not a phone number'; run = { New-WaPhoneNumber -BusinessAccountId $testWaba -CountryCode 1 -PhoneNumber '(555) 0199001' -VerifiedName 'Jasper Deli' } }
        @{ case = 'New-WaPhoneNumber: a four-digit country code';        id = 'WaInvalidArgument'; match = 'country calling code'; run = { New-WaPhoneNumber -BusinessAccountId $testWaba -CountryCode 1234 -PhoneNumber 5550199001 -VerifiedName 'Jasper Deli' } }
        @{ case = 'New-WaPhoneNumber: more than 15 digits in all';       id = 'WaInvalidArgument'; match = '15 digits'; run = { New-WaPhoneNumber -BusinessAccountId $testWaba -CountryCode 49 -PhoneNumber 1512345678901234 -VerifiedName 'Jasper Deli' } }
        @{ case = 'New-WaPhoneNumber: a one-character name';             id = 'WaInvalidArgument'; match = '2 to 75'; run = { New-WaPhoneNumber -BusinessAccountId $testWaba -CountryCode 1 -PhoneNumber 5550199001 -VerifiedName 'J' } }
        @{ case = 'Set-WaPhoneNumberDisplayName: one character';         id = 'WaInvalidArgument'; match = '2 to 75'; run = { Set-WaPhoneNumberDisplayName -PhoneNumberId $connected -DisplayName 'J' } }
        @{ case = 'Set-WaPhoneNumberDisplayName: 76 characters';         id = 'WaInvalidArgument'; match = '2 to 75'; run = { Set-WaPhoneNumberDisplayName -PhoneNumberId $connected -DisplayName ('x' * 76) } }
        @{ case = 'Set-WaPhoneNumberSetting: an unknown region';         id = 'ParameterArgumentValidationError'; match = 'FR'; run = { Set-WaPhoneNumberSetting -PhoneNumberId $readyNoPin -LocalStorageRegion FR } }
        @{ case = 'Set-WaBusinessProfile: About of 140 characters';      id = 'WaInvalidArgument'; match = '139'; run = { Set-WaBusinessProfile -PhoneNumberId $connected -About ('a' * 140) } }
        @{ case = 'Set-WaBusinessProfile: Address of 257 characters';    id = 'WaInvalidArgument'; match = '256'; run = { Set-WaBusinessProfile -PhoneNumberId $connected -Address ('a' * 257) } }
        @{ case = 'Set-WaBusinessProfile: Description of 513 characters'; id = 'WaInvalidArgument'; match = '512'; run = { Set-WaBusinessProfile -PhoneNumberId $connected -Description ('a' * 513) } }
        @{ case = 'Set-WaBusinessProfile: Email of 129 characters';      id = 'WaInvalidArgument'; match = '128'; run = { Set-WaBusinessProfile -PhoneNumberId $connected -Email (('a' * 120) + '@x.example') } }
        @{ case = 'Set-WaBusinessProfile: not an e-mail address';        id = 'WaInvalidArgument'; match = 'e-mail'; run = { Set-WaBusinessProfile -PhoneNumberId $connected -Email 'hello at example' } }
        @{ case = 'Set-WaBusinessProfile: three websites';               id = 'WaInvalidArgument'; match = 'at most 2'; run = { Set-WaBusinessProfile -PhoneNumberId $connected -Website https://a.example, https://b.example, https://c.example } }
        @{ case = 'Set-WaBusinessProfile: an ftp website';               id = 'WaInvalidArgument'; match = 'http://'; run = { Set-WaBusinessProfile -PhoneNumberId $connected -Website ftp://a.example } }
        @{ case = 'Set-WaBusinessProfile: a website of 257 characters';  id = 'WaInvalidArgument'; match = '256'; run = { Set-WaBusinessProfile -PhoneNumberId $connected -Website ('https://a.example/' + ('p' * 239)) } }
        @{ case = 'Set-WaBusinessProfile: an unknown vertical';          id = 'ParameterArgumentValidationError'; match = 'SPACESHIPS'; run = { Set-WaBusinessProfile -PhoneNumberId $connected -Vertical SPACESHIPS } }
        @{ case = 'Set-WaBusinessProfile: a picture that is not JPEG or PNG'; id = 'WaInvalidArgument'; match = 'JPEG or PNG'; run = { Set-WaBusinessProfile -PhoneNumberId $connected -ProfilePicturePath $textFile } }
        @{ case = 'Set-WaBusinessProfile: a picture over 5 MB';          id = 'WaInvalidArgument'; match = '5 MB'; run = { Set-WaBusinessProfile -PhoneNumberId $connected -ProfilePicturePath $bigFile } }
        @{ case = 'Set-WaBusinessProfile: a picture that does not exist'; id = 'WaInvalidArgument'; match = 'does not exist'; run = { Set-WaBusinessProfile -PhoneNumberId $connected -ProfilePicturePath (Join-Path $TestDrive 'none.png') } }
        @{ case = 'Set-WaBusinessProfile: nothing to change';            id = 'WaInvalidArgument'; match = 'Nothing to change'; run = { Set-WaBusinessProfile -PhoneNumberId $connected } }
    ) {
        Clear-RequestLog $emu
        $err = $null
        try { & $run -ErrorVariable err -ErrorAction SilentlyContinue } catch { $err = @($_) }
        @($err).Count | Should -BeGreaterThan 0
        $err[0].FullyQualifiedErrorId | Should -BeLike "$id,*"
        "$($err[0])" | Should -Match ([regex]::Escape($match))
        @(Get-RequestLog $emu).Count | Should -Be 0
    }

    It 'Set-WaBusinessProfile: a picture without an app ID says where to give one, sending nothing' {
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri
        try {
            Clear-RequestLog $emu
            Set-WaBusinessProfile -PhoneNumberId $connected -ProfilePicturePath $png -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'WaNoAppId,*'
            "$($err[0])" | Should -Match 'WHATSAPP_APP_ID'
            @(Get-RequestLog $emu).Count | Should -Be 0
        }
        finally { Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -AppId $app }
    }

    It '-WhatIf sends nothing for any of the new changes' {
        Clear-RequestLog $emu
        New-WaPhoneNumber -BusinessAccountId $testWaba -CountryCode 1 -PhoneNumber 5550199001 -VerifiedName 'Jasper Deli' -WhatIf
        Set-WaPhoneNumberDisplayName -PhoneNumberId $connected -DisplayName 'Jasper New' -WhatIf
        Set-WaPhoneNumberSetting -PhoneNumberId $readyNoPin -LocalStorageRegion DE -IdentityKeyCheck $true -WhatIf
        Set-WaBusinessProfile -PhoneNumberId $connected -About 'x' -ProfilePicturePath $png -WhatIf
        Register-WaPhoneNumber -PhoneNumberId $readyNoPin -Pin '112233' -DataLocalizationRegion DE -WhatIf
        @(Get-RequestLog $emu).Count | Should -Be 0
    }

    It 'never shows the PIN or the token in the output and streams of the flow' {
        $out = Register-WaPhoneNumber -PhoneNumberId $readyNoPin -Pin '135246' -DataLocalizationRegion DE -PassThru -Verbose -Debug *>&1 | Out-String
        $out | Should -Not -Match '135246'
        $out | Should -Not -Match ([regex]::Escape($emu.Token))
    }
}
