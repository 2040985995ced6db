# Receiving webhooks as users do: signatures computed here with .NET directly, Meta's example
# payloads (tests/fixtures/webhooks), the listener on 127.0.0.1 and a free port, the Azure
# Functions example run as the worker runs it, and the app secret and verify token kept out of
# every stream.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:fixtures = Join-Path $PSScriptRoot '../fixtures/webhooks'
    $script:appSecret = 'APP-SECRET-5f4dcc3b5aa765d61d8327deb882cf99'
    $script:verifyToken = 'VERIFY-TOKEN-meatyhamhock'

    function script:Get-Fixture([string] $Name) { Get-Content -Raw -Path (Join-Path $fixtures "$Name.json") }

    # X-Hub-Signature-256 as Meta computes it, with nothing from the module.
    function script:New-Signature([string] $Body, [string] $Secret = $appSecret) {
        $hmac = [System.Security.Cryptography.HMACSHA256]::new([Text.Encoding]::UTF8.GetBytes($Secret))
        try { 'sha256=' + [Convert]::ToHexString($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($Body))).ToLowerInvariant() }
        finally { $hmac.Dispose() }
    }

    function script:Get-FreePrefix {
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        "http://127.0.0.1:$port/hook/"
    }

    # Sends requests from another runspace once the listener answers, while this one runs Receive-WaWebhook.
    function script:Start-Sender([string] $Prefix, [scriptblock] $Send, [object[]] $Arguments) {
        $ps = [powershell]::Create().AddScript({
            param($prefix, $send, $arguments)
            $http = [System.Net.Http.HttpClient]::new()
            $http.Timeout = [TimeSpan]::FromSeconds(30)
            # Waits for the listener: a refused connection means it is not up yet.
            for ($i = 0; $i -lt 200; $i++) {
                try { $null = $http.SendAsync([System.Net.Http.HttpRequestMessage]::new('OPTIONS', $prefix)).GetAwaiter().GetResult(); break }
                catch { Start-Sleep -Milliseconds 25 }
            }
            & ([scriptblock]::Create($send)) $http $prefix @arguments
        }).AddArgument($Prefix).AddArgument($Send.ToString()).AddArgument($Arguments)
        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
    }
    function script:Receive-Sender($Sender) {
        try { $Sender.PowerShell.EndInvoke($Sender.Handle) } finally { $Sender.PowerShell.Dispose() }
    }
    $script:postSigned = {
        param($http, $prefix, $bodies, $signatures)
        $tasks = for ($i = 0; $i -lt $bodies.Count; $i++) {
            $request = [System.Net.Http.HttpRequestMessage]::new('POST', $prefix)
            $request.Content = [System.Net.Http.StringContent]::new($bodies[$i], [Text.Encoding]::UTF8, 'application/json')
            if ($signatures[$i]) { $null = $request.Headers.TryAddWithoutValidation('X-Hub-Signature-256', $signatures[$i]) }
            $http.SendAsync($request)
        }
        [System.Threading.Tasks.Task]::WaitAll([System.Threading.Tasks.Task[]] @($tasks))
        $tasks | ForEach-Object { [int] $_.Result.StatusCode }
    }
}

Describe 'Test-WaWebhookSignature' {
    It 'accepts the signature of the exact bytes: <Name>' -ForEach @(
        @{ Name = 'non-ASCII text'; Body = '{"text":"Café, naïve, 日本語 🎉"}' }
        @{ Name = '@ and /'; Body = '{"email":"shop@luckyshrub.example","url":"https://luckyshrub.example/a/b"}' }
        @{ Name = 'escaped unicode and slashes kept as sent'; Body = '{"name":"Caf\u00e9","url":"https:\/\/luckyshrub.example\/"}' }
        @{ Name = "Meta's quality update"; Body = (Get-Content -Raw (Join-Path $PSScriptRoot '../fixtures/webhooks/quality-update-throughput-upgrade.json')) }
    ) {
        Test-WaWebhookSignature -Body $Body -Signature (New-Signature $Body) -AppSecret $appSecret | Should -BeTrue
        Test-WaWebhookSignature -Body ([Text.Encoding]::UTF8.GetBytes($Body)) -Signature (New-Signature $Body) -AppSecret (ConvertTo-SecureString $appSecret -AsPlainText -Force) | Should -BeTrue
        $Body | Test-WaWebhookSignature -Signature (New-Signature $Body) -AppSecret $appSecret | Should -BeTrue
    }

    It 'takes a byte array piped in as one body, and strings piped in as one body each' {
        $body = Get-Content -Raw (Join-Path $fixtures 'security-pin-changed.json')
        $results = @([Text.Encoding]::UTF8.GetBytes($body) | Test-WaWebhookSignature -Signature (New-Signature $body) -AppSecret $appSecret -ErrorAction Stop)
        $results | Should -Be @($true)
        @('{', '}' | Test-WaWebhookSignature -Signature (New-Signature '{}') -AppSecret $appSecret) | Should -Be @($false, $false)
    }

    It 'is false for a body that was parsed and serialised again' {
        $received = '{"name":"Caf\u00e9","url":"https:\/\/luckyshrub.example\/"}'
        $again = $received | ConvertFrom-Json | ConvertTo-Json -Compress
        Test-WaWebhookSignature -Body $again -Signature (New-Signature $received) -AppSecret $appSecret | Should -BeFalse
    }

    It 'is false, not an error, for <Name>' -ForEach @(
        @{ Name = 'no header'; Signature = $null }
        @{ Name = 'an empty header'; Signature = '' }
        @{ Name = 'sha1='; Signature = 'sha1=0a4d55a8d778e5022fab701977c5d840bbc486d0' }
        @{ Name = 'a short signature'; Signature = 'sha256=abc' }
        @{ Name = 'another secret'; Signature = 'other-secret' }
    ) {
        if ($Signature -eq 'other-secret') { $Signature = New-Signature '{}' 'other-secret' }
        Test-WaWebhookSignature -Body '{}' -Signature $Signature -AppSecret $appSecret -ErrorAction Stop | Should -BeFalse
    }
}

Describe 'An empty or blank app secret or verify token' {
    It 'is refused at binding by <Command>, so a forgery signed with nothing is never accepted' -ForEach @(
        @{ Command = 'Test-WaWebhookSignature'; Run = { param($blank) Test-WaWebhookSignature -Body '{}' -Signature (New-Signature '{}' '') -AppSecret $blank } }
        @{ Command = 'ConvertFrom-WaWebhook'; Run = { param($blank) ConvertFrom-WaWebhook -Body '{}' -Signature (New-Signature '{}' '') -AppSecret $blank } }
        @{ Command = 'Confirm-WaWebhookChallenge'; Run = { param($blank) Confirm-WaWebhookChallenge -Query @{ 'hub.mode' = 'subscribe'; 'hub.verify_token' = ''; 'hub.challenge' = 'forged' } -VerifyToken $blank } }
        @{ Command = 'Receive-WaWebhook -AppSecret'; Run = { param($blank) Receive-WaWebhook -Prefix (Get-FreePrefix) -AppSecret $blank -TimeoutSec 1 } }
        @{ Command = 'Receive-WaWebhook -VerifyToken'; Run = { param($blank) Receive-WaWebhook -Prefix (Get-FreePrefix) -AppSecret $appSecret -VerifyToken $blank -TimeoutSec 1 } }
    ) {
        foreach ($blank in '', '   ', "`r`n", [securestring]::new()) {
            { & $Run $blank } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*' -ExpectedMessage '*empty or only whitespace*'
        }
    }

    It 'is trimmed of the line break a file leaves, as access tokens are' {
        $file = Join-Path $TestDrive 'app-secret.txt'
        Set-Content -Path $file -Value $appSecret   # ends with a line break
        $fromFile = Get-Content -Raw $file
        $fromFile | Should -Not -Be $appSecret
        Test-WaWebhookSignature -Body '{}' -Signature (New-Signature '{}') -AppSecret $fromFile | Should -BeTrue
        Test-WaWebhookSignature -Body '{}' -Signature (New-Signature '{}') -AppSecret (ConvertTo-SecureString $fromFile -AsPlainText -Force) | Should -BeTrue
        Confirm-WaWebhookChallenge -Query @{ 'hub.mode' = 'subscribe'; 'hub.verify_token' = $verifyToken; 'hub.challenge' = '7' } -VerifyToken " $verifyToken`n" | Should -BeExactly '7'
    }
}

Describe 'Confirm-WaWebhookChallenge' {
    It 'writes the challenge for a <Name> query' -ForEach @(
        @{ Name = 'hashtable'; Query = @{ 'hub.mode' = 'subscribe'; 'hub.verify_token' = 'VERIFY-TOKEN-meatyhamhock'; 'hub.challenge' = '1158201444' } }
        @{ Name = 'NameValueCollection'; Query = [System.Web.HttpUtility]::ParseQueryString('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=VERIFY-TOKEN-meatyhamhock') }
        @{ Name = 'Azure Functions dictionary'; Query = ([System.Collections.Generic.Dictionary[string, string]]::new([StringComparer]::OrdinalIgnoreCase)) }
    ) {
        if ($Query -is [System.Collections.Generic.Dictionary[string, string]]) {
            $Query['hub.mode'] = 'subscribe'; $Query['hub.verify_token'] = $verifyToken; $Query['hub.challenge'] = '1158201444'
        }
        Confirm-WaWebhookChallenge -Query $Query -VerifyToken $verifyToken | Should -BeExactly '1158201444'
    }

    It 'writes only the error <Id> for <Name>' -ForEach @(
        @{ Name = 'a wrong token'; Id = 'WaWebhookVerifyTokenMismatch'; Query = @{ 'hub.mode' = 'subscribe'; 'hub.verify_token' = 'guess'; 'hub.challenge' = '1' } }
        @{ Name = 'no token'; Id = 'WaWebhookVerifyTokenMismatch'; Query = @{ 'hub.mode' = 'subscribe'; 'hub.challenge' = '1' } }
        @{ Name = 'another mode'; Id = 'WaWebhookNotSubscribe'; Query = @{ 'hub.mode' = 'unsubscribe'; 'hub.verify_token' = 'VERIFY-TOKEN-meatyhamhock'; 'hub.challenge' = '1' } }
    ) {
        $out = @(Confirm-WaWebhookChallenge -Query $Query -VerifyToken $verifyToken -ErrorVariable refused -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $refused.Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        "$($refused[0])" | Should -Not -Match 'guess|VERIFY-TOKEN'
    }
}

Describe 'ConvertFrom-WaWebhook' {
    It "types each of Meta's example payloads" {
        (Get-Fixture quality-update-throughput-upgrade | ConvertFrom-WaWebhook) | Should -BeOfType ([WhatsappPhone.Models.Webhooks.QualityUpdateEvent])
        (Get-Fixture name-update-approved | ConvertFrom-WaWebhook).Decision | Should -Be 'APPROVED'
        (Get-Fixture account-update-disabled | ConvertFrom-WaWebhook).BanState | Should -Be 'DISABLE'
        (Get-Fixture account-review-update | ConvertFrom-WaWebhook).Decision | Should -Be 'APPROVED'
        (Get-Fixture security-pin-changed | ConvertFrom-WaWebhook).Event | Should -Be 'PIN_CHANGED'
        (Get-Fixture account-alerts | ConvertFrom-WaWebhook).AlertType | Should -Be 'PROFILE_PICTURE_LOST'
        (Get-Fixture messages | ConvertFrom-WaWebhook).PhoneNumberId | Should -Be '106540352242922'
        $q = Get-Fixture quality-update-throughput-upgrade | ConvertFrom-WaWebhook
        $q.DailyMessageLimit | Should -Be ([int]::MaxValue)
        $q.Time | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds(1739321024))
        $q.DisplayPhoneNumber | Should -Be '+15550783881'
    }

    It 'reads a byte array piped in as one notification' {
        $bytes = [IO.File]::ReadAllBytes((Join-Path $fixtures 'batch-several-entries.json'))
        $events = @($bytes | ConvertFrom-WaWebhook -ErrorAction Stop)
        $events.Field | Should -Be @('phone_number_quality_update', 'security', 'phone_number_name_update', 'account_update', 'account_review_update')
        @($bytes | ConvertFrom-WaWebhook -Signature (New-Signature ([Text.Encoding]::UTF8.GetString($bytes))) -AppSecret $appSecret -ErrorAction Stop).Count | Should -Be 5
    }

    It 'writes every change of a batch in order, and a re-delivery with the same Ids' {
        $first = @(Get-Fixture batch-several-entries | ConvertFrom-WaWebhook)
        $again = @(Get-Fixture batch-several-entries | ConvertFrom-WaWebhook)
        $first.Field | Should -Be @('phone_number_quality_update', 'security', 'phone_number_name_update', 'account_update', 'account_review_update')
        $again.Id | Should -Be $first.Id
        @($first + $again | Sort-Object Id -Unique).Count | Should -Be 5
    }

    It 'checks the signature first: a bad one stops with WaWebhookSignatureInvalid and writes nothing' {
        $body = Get-Fixture batch-several-entries
        @(ConvertFrom-WaWebhook -Body $body -Signature (New-Signature $body) -AppSecret $appSecret).Count | Should -Be 5
        $written = [System.Collections.Generic.List[object]]::new()
        { ConvertFrom-WaWebhook -Body $body -Signature (New-Signature ($body + ' ')) -AppSecret $appSecret | ForEach-Object { $written.Add($_) } } |
            Should -Throw -ErrorId 'WaWebhookSignatureInvalid,WhatsappPhone.Cmdlets.ConvertFromWaWebhookCommand'
        { ConvertFrom-WaWebhook -Body $body -Signature $null -AppSecret $appSecret | ForEach-Object { $written.Add($_) } } |
            Should -Throw -ErrorId 'WaWebhookSignatureInvalid,WhatsappPhone.Cmdlets.ConvertFromWaWebhookCommand'
        $written.Count | Should -Be 0
    }

    It 'refuses <Name> with <Id>, saying what was wrong, and writes nothing' -ForEach @(
        @{ Name = 'malformed JSON'; Id = 'WaWebhookMalformedJson'; Body = '{"object":"whatsapp_business_account","entry":['; Says = 'not valid JSON' }
        @{ Name = 'another kind of notification'; Id = 'WaWebhookNotWhatsAppNotification'; Body = '{"object":"page","entry":[{"id":"1","time":1,"messaging":[]}]}'; Says = '"page"' }
        @{ Name = 'a property named twice in one object'; Id = 'WaWebhookDuplicateProperty'; Body = '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"security","value":{"event":"PIN_CHANGED"}}],"changes":[]}]}'; Says = 'twice' }
        @{ Name = 'more than 1,000 changes'; Id = 'WaWebhookTooManyEvents'; Body = ('{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[' + (@(1..1001 | ForEach-Object { '{"field":"security","value":{}}' }) -join ',') + ']}]}'); Says = '1,001 changes*1,000*' }
        @{ Name = 'a body over 1 MiB'; Id = 'WaWebhookBodyTooLarge'; Body = ('{"object":"whatsapp_business_account","entry":[]}' + (' ' * 1MB)); Says = '1 MiB' }
    ) {
        $out = @(ConvertFrom-WaWebhook -Body $Body -ErrorVariable refused -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $refused.Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $refused[0].Exception.Message | Should -BeLike "*$Says*"
    }

    It 'reads a text cut in the middle of an emoji (a lone surrogate escape) as U+FFFD, and goes on' {
        $cut = '{"object":"whatsapp_business_account","entry":[{"id":"114503234599312","time":1739321024,"changes":[{"field":"security","value":{"event":"PIN_CHANGED","requester":"caf\ud83d"}}]}]}'
        ConvertFrom-WaWebhook -Body $cut -Signature (New-Signature $cut) -AppSecret $appSecret -ErrorAction Stop |
            ForEach-Object Requester | Should -BeExactly "caf$([char] 0xFFFD)"
        $events = @($cut, (Get-Fixture security-pin-changed) | ConvertFrom-WaWebhook -ErrorAction Stop)
        $events.Event | Should -Be @('PIN_CHANGED', 'PIN_CHANGED')
    }

    It 'refuses a body that is not UTF-8 with one non-terminating WaWebhookMalformedJson' {
        $bytes = [Text.Encoding]::UTF8.GetBytes((Get-Fixture security-pin-changed))
        $bytes[$bytes.Count - 10] = 0xFF
        $caught = $null
        try { $out = @(ConvertFrom-WaWebhook -Body $bytes -ErrorVariable refused -ErrorAction SilentlyContinue) }
        catch { $caught = $_ }
        $caught | Should -BeNullOrEmpty
        $out.Count | Should -Be 0
        $refused.Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -BeExactly 'WaWebhookMalformedJson,WhatsappPhone.Cmdlets.ConvertFromWaWebhookCommand'
        $refused[0].Exception.Message | Should -BeLike '*not UTF-8*'
    }

    It 'shows no C1 control or bidi override from a value that is not a string' {
        # JSON lets both stand unescaped; here in an object id and an array event, as a hostile payload would put them.
        $odd = "$([char] 0x9B)2J$([char] 0x202E)evil$([char] 0x2066)"
        $body = '{"object":"whatsapp_business_account","entry":[{"id":{"x":"' + $odd + '"},"time":1739321024,"changes":[{"field":"security","value":{"event":["' + $odd + '"],"requester":"r"}}]}]}'
        $e = ConvertFrom-WaWebhook -Body $body -ErrorAction Stop
        $unsafe = '[\u0080-\u009f\u202a-\u202e\u2066-\u2069]'
        $e.Event | Should -BeLike '*evil*'
        $e.Event | Should -Not -Match $unsafe
        $e.BusinessAccountId | Should -Not -Match $unsafe
        ($e | Format-Table | Out-String) + ($e | Select-Object * -ExcludeProperty Value | Format-List | Out-String) | Should -Not -Match $unsafe
        $e.Value | Should -Match $unsafe # Value is the JSON as received
    }

    It 'keeps an unknown field as an event with its Value' {
        $body = '{"object":"whatsapp_business_account","entry":[{"id":"114503234599312","time":1739321024,"changes":[{"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":12345678}}]}]}'
        $e = ConvertFrom-WaWebhook -Body $body
        $e.GetType().Name | Should -Be 'WebhookEvent'
        ($e.Value | ConvertFrom-Json).message_template_id | Should -Be 12345678
    }
}

Describe 'From an event to its number, against the emulator' {
    BeforeAll {
        $script:emu = Start-TestEmulator
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId 114503234599312
        # The recorded account's number is +1 555-093-4873 (107878721936019); Meta sends bare digits.
        $script:body = '{"object":"whatsapp_business_account","entry":[{"id":"114503234599312","time":1739321024,"changes":[' +
            '{"field":"phone_number_quality_update","value":{"display_phone_number":"15550934873","event":"DOWNGRADE","current_limit":"TIER_250"}},' +
            '{"field":"security","value":{"display_phone_number":"15550934873","event":"PIN_CHANGED","requester":"..."}},' +
            '{"field":"phone_number_name_update","value":{"display_phone_number":"15550783881","decision":"APPROVED","requested_verified_name":"Lucky Shrub","rejection_reason":null}}]}]}'
    }
    AfterAll {
        Disconnect-WaAccount
        if ($emu) { Stop-WaEmulator $emu }
    }

    It '-Resolve fills PhoneNumberId with one listing for the account, and warns about an unknown number' {
        Clear-RequestLog $emu
        $events = @(ConvertFrom-WaWebhook -Body $body -Resolve -WarningVariable warned -WarningAction SilentlyContinue)
        $events.PhoneNumberId | Should -Be @('107878721936019', '107878721936019', $null)
        @(Get-RequestLog $emu | Where-Object path -like '*/phone_numbers').Count | Should -Be 1
        $warned.Count | Should -Be 1
        "$warned" | Should -BeLike '*+15550783881*'
    }

    It 'pipes into Get-WaPhoneNumber and Test-WaPhoneNumber by PhoneNumberId' {
        $numbers = @(ConvertFrom-WaWebhook -Body $body -Resolve -WarningAction SilentlyContinue | Where-Object PhoneNumberId | Select-Object -First 1 | Get-WaPhoneNumber)
        $numbers.Id | Should -Be '107878721936019'
        $health = @(ConvertFrom-WaWebhook -Body $body -Resolve -WarningAction SilentlyContinue | Where-Object PhoneNumberId | Select-Object -First 1 | Test-WaPhoneNumber)
        $health.PhoneNumberId | Should -Be '107878721936019'
    }

    It 'needs no connection without -Resolve' {
        $ctx = $null
        Disconnect-WaAccount
        try { @(ConvertFrom-WaWebhook -Body $body).Count | Should -Be 3 }
        finally { Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId 114503234599312 }
    }
}

Describe 'Receive-WaWebhook' {
    It 'loses and duplicates none of 200 concurrent signed POSTs' {
        $prefix = Get-FreePrefix
        $bodies = 0..199 | ForEach-Object {
            '{"object":"whatsapp_business_account","entry":[{"id":"114503234599312","time":' + (1739321024 + $_) + ',"changes":[{"field":"security","value":{"display_phone_number":"15550783881","event":"PIN_CHANGED","requester":"post-' + $_ + '"}}]}]}'
        }
        $sender = Start-Sender $prefix $postSigned ($bodies, @($bodies | ForEach-Object { New-Signature $_ }))
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $events = @(Receive-WaWebhook -Prefix $prefix -AppSecret $appSecret -Count 200 -TimeoutSec 60)
        $clock.Stop()
        $status = @(Receive-Sender $sender)
        Write-Host "    200 concurrent signed POSTs received as events in $($clock.ElapsedMilliseconds) ms"
        $status.Count | Should -Be 200
        @($status | Where-Object { $_ -ne 200 }).Count | Should -Be 0
        $events.Count | Should -Be 200
        @($events.Id | Sort-Object -Unique).Count | Should -Be 200
        @($events.Requester | Sort-Object -Unique).Count | Should -Be 200
        ($events.Requester | Sort-Object { [int]($_ -replace 'post-') }) | Should -Be @(0..199 | ForEach-Object { "post-$_" })
    }

    It 'answers 401 to a missing or wrong signature with a warning without the secret, and writes nothing' {
        $prefix = Get-FreePrefix
        $body = Get-Fixture security-pin-changed
        $sender = Start-Sender $prefix $postSigned (@($body, $body), @($null, (New-Signature $body 'not-the-secret')))
        $events = @(Receive-WaWebhook -Prefix $prefix -AppSecret $appSecret -TimeoutSec 2 -WarningVariable warned -WarningAction SilentlyContinue)
        Receive-Sender $sender | Should -Be @(401, 401)
        $events.Count | Should -Be 0
        $warned.Count | Should -Be 2
        "$warned" | Should -Not -Match ([regex]::Escape($appSecret))
    }

    It 'answers the handshake, 405 and 404, and stops at Select-Object -First, answering 503 to the notification it did not write whole' {
        $prefix = Get-FreePrefix
        $body = Get-Fixture batch-several-entries
        $send = {
            param($http, $prefix, $body, $signature)
            $get = $http.GetAsync("${prefix}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=VERIFY-TOKEN-meatyhamhock").Result
            "GET $([int]$get.StatusCode) $($get.Content.ReadAsStringAsync().Result)"
            "PUT $([int]$http.PutAsync($prefix, [System.Net.Http.StringContent]::new('{}')).Result.StatusCode)"
            "OTHER $([int]$http.GetAsync($prefix + 'elsewhere').Result.StatusCode)"
            $request = [System.Net.Http.HttpRequestMessage]::new('POST', $prefix)
            $request.Content = [System.Net.Http.StringContent]::new($body)
            $null = $request.Headers.TryAddWithoutValidation('X-Hub-Signature-256', $signature)
            "POST $([int]$http.SendAsync($request).Result.StatusCode)"
        }
        $sender = Start-Sender $prefix $send @($body, (New-Signature $body))
        $first = @(Receive-WaWebhook -Prefix $prefix -AppSecret $appSecret -VerifyToken $verifyToken -TimeoutSec 30 | Select-Object -First 2)
        # Two of the notification's five events went through: Meta must deliver it again (the two come out again, with the same Ids).
        Receive-Sender $sender | Should -Be @('GET 200 1158201444', 'PUT 405', 'OTHER 404', 'POST 503')
        $first.Field | Should -Be @('phone_number_quality_update', 'security')
    }

    It 'stops after -TimeoutSec with nothing received' {
        @(Receive-WaWebhook -Prefix (Get-FreePrefix) -AppSecret $appSecret -TimeoutSec 1).Count | Should -Be 0
    }

    It 'refuses a prefix without a trailing slash before listening' {
        { Receive-WaWebhook -Prefix 'http://127.0.0.1:8080/hook' -AppSecret $appSecret -TimeoutSec 1 } | Should -Throw -ErrorId 'WaWebhookInvalidPrefix,*'
    }
}

Describe 'The Azure Functions example' {
    BeforeAll {
        $script:runPs1 = Join-Path $PSScriptRoot '../../examples/azure-function/WhatsappWebhook/run.ps1'
        # Stand-ins for what the PowerShell worker provides: the request object and the output bindings.
        if (-not ('HttpResponseContext' -as [type])) {
            Add-Type -TypeDefinition @'
public class HttpResponseContext {
    public System.Net.HttpStatusCode StatusCode { get; set; }
    public object Body { get; set; }
    public string ContentType { get; set; }
    public System.Collections.IDictionary Headers { get; set; }
}
public class HttpRequestContext {
    public string Method { get; set; }
    public string Url { get; set; }
    public System.Collections.Generic.Dictionary<string, string> Headers { get; set; } = new System.Collections.Generic.Dictionary<string, string>(System.StringComparer.OrdinalIgnoreCase);
    public System.Collections.Generic.Dictionary<string, string> Query { get; set; } = new System.Collections.Generic.Dictionary<string, string>(System.StringComparer.OrdinalIgnoreCase);
    public System.Collections.Generic.Dictionary<string, string> Params { get; set; } = new System.Collections.Generic.Dictionary<string, string>(System.StringComparer.OrdinalIgnoreCase);
    public object Body { get; set; }
    public object RawBody { get; set; }
}
'@
        }
        function global:Push-OutputBinding([string] $Name, $Value) { $global:WaTestBindings.Add([pscustomobject]@{ Name = $Name; Value = $Value }) }
        # The worker runs profile.ps1 first, with the app's Modules/ on PSModulePath: the built module's folder has that layout.
        $script:savedPath = $env:PSModulePath
        $env:PSModulePath = (Split-Path (Split-Path (Split-Path $env:WHATSAPP_TEST_MODULE))) + [IO.Path]::PathSeparator + $env:PSModulePath
        $env:WHATSAPP_APP_SECRET = $appSecret
        $env:WHATSAPP_VERIFY_TOKEN = $verifyToken
        . (Join-Path $PSScriptRoot '../../examples/azure-function/profile.ps1')

        function script:Invoke-Function([string] $Method, [hashtable] $Query = @{}, [string] $RawBody, [string] $Signature) {
            $global:WaTestBindings = [System.Collections.Generic.List[object]]::new()
            $request = [HttpRequestContext]@{ Method = $Method; Url = 'https://app.azurewebsites.net/api/WhatsappWebhook'; RawBody = $RawBody }
            foreach ($k in $Query.Keys) { $request.Query[$k] = $Query[$k] }
            if ($RawBody) { $request.Body = $RawBody | ConvertFrom-Json -AsHashtable; $request.Headers['Content-Type'] = 'application/json' }
            if ($Signature) { $request.Headers['X-Hub-Signature-256'] = $Signature }
            $script:functionWarnings = @(& $runPs1 -Request $request -TriggerMetadata @{} 3>&1 6>$null | ForEach-Object { "$_" })
            $global:WaTestBindings
        }
    }
    AfterAll {
        $env:PSModulePath = $savedPath
        Remove-Item env:WHATSAPP_APP_SECRET, env:WHATSAPP_VERIFY_TOKEN -ErrorAction SilentlyContinue
        Remove-Item function:global:Push-OutputBinding -ErrorAction SilentlyContinue
        Remove-Variable WaTestBindings -Scope Global -ErrorAction SilentlyContinue
    }

    It 'answers the handshake with 200 and the challenge' {
        $out = Invoke-Function GET @{ 'hub.mode' = 'subscribe'; 'hub.verify_token' = $verifyToken; 'hub.challenge' = '1158201444' }
        $response = ($out | Where-Object Name -eq Response).Value
        $response.StatusCode | Should -Be ([System.Net.HttpStatusCode]::OK)
        $response.Body | Should -BeExactly '1158201444'
    }

    It 'answers 403 to a wrong verify token' {
        $out = Invoke-Function GET @{ 'hub.mode' = 'subscribe'; 'hub.verify_token' = 'guess'; 'hub.challenge' = '1158201444' }
        ($out | Where-Object Name -eq Response).Value.StatusCode | Should -Be ([System.Net.HttpStatusCode]::Forbidden)
        ($out | Where-Object Name -eq Response).Value.Body | Should -Not -Be '1158201444'
    }

    It 'answers 200 to a signed notification and queues its events' {
        $body = Get-Fixture batch-several-entries
        $out = Invoke-Function POST -RawBody $body -Signature (New-Signature $body)
        ($out | Where-Object Name -eq Response).Value.StatusCode | Should -Be ([System.Net.HttpStatusCode]::OK)
        $queued = @(($out | Where-Object Name -eq Events).Value | ForEach-Object { $_ | ConvertFrom-Json })
        $queued.Field | Should -Be @('phone_number_quality_update', 'security', 'phone_number_name_update', 'account_update', 'account_review_update')
        $queued[0].Id | Should -Be (Get-Fixture batch-several-entries | ConvertFrom-WaWebhook | Select-Object -First 1).Id
    }

    It 'answers 405 to a signed <Method>, which is no notification, and queues nothing' -ForEach @(
        @{ Method = 'PUT' }
        @{ Method = 'DELETE' }
        @{ Method = 'PATCH' }
    ) {
        $body = Get-Fixture security-pin-changed
        $out = Invoke-Function $Method -RawBody $body -Signature (New-Signature $body)
        $response = ($out | Where-Object Name -eq Response).Value
        $response.StatusCode | Should -Be ([System.Net.HttpStatusCode]::MethodNotAllowed)
        $response.Headers['Allow'] | Should -Be 'GET, POST'
        @($out | Where-Object Name -eq Events).Count | Should -Be 0
    }

    It 'queues nothing from a signed notification of more than 1,000 changes, answers 200 and warns why' {
        $body = '{"object":"whatsapp_business_account","entry":[{"id":"114503234599312","time":1739321024,"changes":[' +
            (@(1..1001 | ForEach-Object { '{"field":"security","value":{"event":"PIN_CHANGED"}}' }) -join ',') + ']}]}'
        $out = Invoke-Function POST -RawBody $body -Signature (New-Signature $body)
        ($out | Where-Object Name -eq Response).Value.StatusCode | Should -Be ([System.Net.HttpStatusCode]::OK)
        @($out | Where-Object Name -eq Events).Count | Should -Be 0
        $functionWarnings | Should -HaveCount 1
        $functionWarnings[0] | Should -BeLike '*WaWebhookTooManyEvents*1,001 changes*'
    }

    It 'refuses every notification with 401 while WHATSAPP_APP_SECRET is blank, also one signed with a blank key' {
        $body = Get-Fixture security-pin-changed
        $env:WHATSAPP_APP_SECRET = ' '
        try { $out = Invoke-Function POST -RawBody $body -Signature (New-Signature $body ' ') }
        finally { $env:WHATSAPP_APP_SECRET = $appSecret }
        ($out | Where-Object Name -eq Response).Value.StatusCode | Should -Be ([System.Net.HttpStatusCode]::Unauthorized)
        @($out | Where-Object Name -eq Events).Count | Should -Be 0
        $functionWarnings | Should -Be 'Refused a notification: WHATSAPP_APP_SECRET is not set.'
    }

    It 'answers 401 to a <Name> signature and queues nothing' -ForEach @(
        @{ Name = 'missing'; Signature = $null }
        @{ Name = 'wrong'; Signature = 'sha256=0000000000000000000000000000000000000000000000000000000000000000' }
    ) {
        $out = Invoke-Function POST -RawBody (Get-Fixture security-pin-changed) -Signature $Signature
        ($out | Where-Object Name -eq Response).Value.StatusCode | Should -Be ([System.Net.HttpStatusCode]::Unauthorized)
        @($out | Where-Object Name -eq Events).Count | Should -Be 0
    }
}

Describe 'The app secret and verify token stay secret' {
    It 'appear in no stream, error, transcript or serialized event' {
        $transcript = Join-Path $TestDrive 'transcript.txt'
        $body = Get-Fixture batch-several-entries
        Start-Transcript -Path $transcript -UseMinimalHeader | Out-Null
        try {
            $all = & {
                Test-WaWebhookSignature -Body $body -Signature (New-Signature $body) -AppSecret $appSecret -Verbose -Debug
                ConvertFrom-WaWebhook -Body $body -Signature (New-Signature $body) -AppSecret $appSecret -Verbose -Debug
                ConvertFrom-WaWebhook -Body $body -Signature 'sha256=00' -AppSecret $appSecret -Verbose -Debug -ErrorAction Continue
                Confirm-WaWebhookChallenge -Query @{ 'hub.mode' = 'subscribe'; 'hub.verify_token' = 'x'; 'hub.challenge' = '1' } -VerifyToken $verifyToken -Verbose -Debug
                Confirm-WaWebhookChallenge -Query @{ 'hub.mode' = 'subscribe'; 'hub.verify_token' = $verifyToken; 'hub.challenge' = '1' } -VerifyToken $verifyToken -Verbose -Debug
                Receive-WaWebhook -Prefix (Get-FreePrefix) -AppSecret $appSecret -VerifyToken $verifyToken -TimeoutSec 1 -Verbose -Debug
            } *>&1 2>&1 | ForEach-Object { $_ }
            $all | Out-String | Out-Host
        }
        catch { $all = @($_) }
        finally { Stop-Transcript | Out-Null }

        $text = ($all | Out-String) + ($all | ForEach-Object { $_ | Format-List * -Force | Out-String }) + (Get-Content -Raw $transcript)
        $events = @(ConvertFrom-WaWebhook -Body $body -Signature (New-Signature $body) -AppSecret $appSecret)
        $events | Export-Clixml (Join-Path $TestDrive 'events.xml')
        $text += Get-Content -Raw (Join-Path $TestDrive 'events.xml')
        $text += $events | ConvertTo-Json -Depth 5
        $text += (Get-Error -Newest 5 | Out-String)
        $text | Should -Not -Match ([regex]::Escape($appSecret))
        $text | Should -Not -Match ([regex]::Escape($verifyToken))
        $text | Should -Match 'WaWebhookSignatureInvalid'
    }
}
