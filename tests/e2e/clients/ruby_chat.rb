# Net::HTTP with defaults: the proxy from ENV (http_proxy/https_proxy), roots from
# OpenSSL's defaults (SSL_CERT_FILE).
require "net/http"
require "json"
uri = URI("https://api.openai.com/v1/chat/completions")
body = { model: "gpt-4o-mini", messages: [{ role: "user", content: ARGV[0] }] }.to_json
res = Net::HTTP.start(uri.host, uri.port, use_ssl: true) do |http|
  http.post(uri.path, body, "content-type" => "application/json", "authorization" => "Bearer sk-test-key")
end
abort("#{res.code} #{res.body}") unless res.code == "200"
puts JSON.parse(res.body)["choices"][0]["message"]["content"]
