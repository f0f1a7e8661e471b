package io.pxkv.node;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A small blocking HTTP client for tests: every call has a deadline. */
public final class NodeClient {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;
  private final int port;

  public NodeClient(int port) {
    this.base = "http://127.0.0.1:" + port;
    this.port = port;
  }

  /**
   * Sends {@code GET target} as written, over a plain socket, for targets {@link HttpClient} will
   * not send (bad percent-encoding); returns the status line and the body.
   */
  public String[] rawGet(String target) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      String request =
          "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int split = response.indexOf("\r\n\r\n");
      return new String[] {
        response.substring(0, response.indexOf("\r\n")), response.substring(split + 4)
      };
    } catch (IOException e) {
      throw new RuntimeException("GET " + target + " failed: " + e, e);
    }
  }

  public static String queryEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Percent-encodes a key for a /kv/{key} path (spaces as %20, never +). */
  public static String pathEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public HttpResponse<String> send(String method, String pathAndQuery, String body) {
    return send(method, pathAndQuery, body, Map.of());
  }

  /** {@link #send(String, String, String)} with extra request headers. */
  public HttpResponse<String> send(
      String method, String pathAndQuery, String body, Map<String, String> headers) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(Duration.ofSeconds(30))
            .method(method, publisher)
            .header("Content-Type", "application/json");
    headers.forEach(builder::header);
    HttpRequest request = builder.build();
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
