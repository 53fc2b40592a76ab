// An intranet call (the user's own root) and an LLM call (llmwall) in one JVM.
import java.net.URI; import java.net.http.*;
public class JavaBoth { public static void main(String[] a) throws Exception {
  HttpClient c = HttpClient.newHttpClient();
  int s = c.send(HttpRequest.newBuilder(URI.create(a[0] + "/status")).build(),
                 HttpResponse.BodyHandlers.ofString()).statusCode();
  if (s != 200) throw new RuntimeException("intranet " + s);
  String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + a[1] + "\"}]}";
  HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("https://api.openai.com/v1/chat/completions"))
      .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
      HttpResponse.BodyHandlers.ofString());
  System.out.println(r.statusCode());
}}
