package io.pxkv.node;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small blocking HTTP client for tests: every call has a deadline. */
public final class NodeClient {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;

  public NodeClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public static String queryEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Percent-encodes a key for a /kv/{key} path (spaces as %20, never +). */
  public static String pathEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public HttpResponse<String> send(String method, String pathAndQuery, String body) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(Duration.ofSeconds(30))
            .method(method, publisher)
            .header("Content-Type", "application/json")
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RuntimeException(method + " " + pathAndQuery + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    }
  }

  public HttpResponse<String> get(String pathAndQuery) {
    return send("GET", pathAndQuery, null);
  }

  public HttpResponse<String> put(String key, String valueJson) {
    return send(
        "PUT",
        "/kv",
        "{\"key\":" + io.vertx.core.json.Json.encode(key) + ",\"value\":" + valueJson + "}");
  }

  public HttpResponse<String> getKey(String key) {
    return get("/kv?key=" + queryEncode(key));
  }
}
