package io.pxkv.bench.harness;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The harness's own calls to the servers (readiness, admin endpoints, imports): blocking, from the
 * harness's thread, never during a measured run's hot path. Any failure is a {@link BenchException}
 * that names the call.
 */
public final class Http {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /** The answer's status and body. */
  public record Answer(int status, String body) {
    public boolean ok() {
      return status / 100 == 2;
    }
  }

  /** Sends a request; null if no answer came (refused, timed out). */
  public Answer tryCall(String method, String url, byte[] body, String type, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
    if (type != null) {
      b.header("Content-Type", type);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted during " + method + " " + url, e);
    }
  }

  /** {@code GET url}: the body of a 2xx answer, else a {@link BenchException}. */
  public String get(String url) {
    return expectOk("GET", url, tryCall("GET", url, null, null, DEFAULT_TIMEOUT));
  }

  public JsonObject getJson(String url) {
    return json("GET", url, get(url));
  }

  /** {@code POST url} with {@code body}, waiting up to {@code timeout}; the 2xx body as JSON. */
  public JsonObject postJson(String url, byte[] body, String type, Duration timeout) {
    String answer = expectOk("POST", url, tryCall("POST", url, body, type, timeout));
    return json("POST", url, answer);
  }

  /** True when {@code url} answers 2xx and its body holds {@code bodyContains} (if not null). */
  public boolean answers(String url, String bodyContains) {
    Answer a = tryCall("GET", url, null, null, Duration.ofSeconds(1));
    return a != null && a.ok() && (bodyContains == null || a.body().contains(bodyContains));
  }

  private static String expectOk(String method, String url, Answer a) {
    if (a == null) {
      throw new BenchException(method + " " + url + " got no answer");
    }
    if (!a.ok()) {
      throw new BenchException(method + " " + url + " answered " + a.status() + ": " + a.body());
    }
    return a.body();
  }

  private static JsonObject json(String method, String url, String body) {
    try {
      return new JsonObject(body);
    } catch (DecodeException e) {
      throw new BenchException(method + " " + url + " answered no JSON object: " + body, e);
    }
  }
}
