<?php
// The curl extension with defaults: libcurl reads https_proxy; roots from curl.cainfo
// (php.ini), which llmwall sets through PHP_INI_SCAN_DIR.
$body = json_encode(["model" => "gpt-4o-mini", "messages" => [["role" => "user", "content" => $argv[1]]]]);
$ch = curl_init("https://api.openai.com/v1/chat/completions");
curl_setopt_array($ch, [
    CURLOPT_POST => true,
    CURLOPT_POSTFIELDS => $body,
    CURLOPT_RETURNTRANSFER => true,
    CURLOPT_HTTPHEADER => ["content-type: application/json", "authorization: Bearer sk-test-key"],
]);
$out = curl_exec($ch);
if ($out === false) { fwrite(STDERR, "error: " . curl_error($ch) . "\n"); exit(1); }
$code = curl_getinfo($ch, CURLINFO_HTTP_CODE);
if ($code != 200) { fwrite(STDERR, "$code $out\n"); exit(1); }
echo json_decode($out, true)["choices"][0]["message"]["content"], "\n";
