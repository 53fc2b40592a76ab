// java.net.http.HttpClient and HttpsURLConnection with default settings (no proxy code).
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.HttpsURLConnection;

public class JavaChat {
    public static void main(String[] args) throws Exception {
        String prompt = args[1].replace("\\", "\\\\").replace("\"", "\\\"");
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        String url = "https://api.openai.com/v1/chat/completions";
        String text;
        if (args[0].equals("httpclient")) {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                .header("content-type", "application/json")
                .header("authorization", "Bearer sk-test-key")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new RuntimeException("status " + r.statusCode());
            text = r.body();
        } else {
            HttpsURLConnection c = (HttpsURLConnection) new URL(url).openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("content-type", "application/json");
            c.setRequestProperty("authorization", "Bearer sk-test-key");
            c.getOutputStream().write(body.getBytes("UTF-8"));
            if (c.getResponseCode() != 200) throw new RuntimeException("status " + c.getResponseCode());
            try (InputStream in = c.getInputStream()) { text = new String(in.readAllBytes(), "UTF-8"); }
        }
        int i = text.indexOf("\"content\": \"");
        int j = text.indexOf("\"", i + 12);
        System.out.println(text.substring(i + 12, j));
    }
}
