package io.pxkv.launcher.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLContext;

/**
 * The admin commands' HTTP client of the router: the JDK's, blocking, since a command makes one
 * call at a time. Answers other than 2xx become a {@link CliException} carrying the router's
 * message and the exit code for its status; so do connections refused and deadlines passed.
 */
final class RouterClient {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** A call's deadline until the answer's head; streams (backup, restore) have none after it. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  /** A finished call: its status and body. */
  record Reply(int status, String body) {
    JsonObject json() throws CliException {
      try {
        return new JsonObject(body);
      } catch (RuntimeException e) {
        throw CliException.failure(
            "the router answered " + status + " with a body that is not JSON");
      }
    }
  }

  private final URI base;
  private final HttpClient http;
  private final String authorization; // null: no token

  private RouterClient(URI base, String token, SSLContext tls) {
    this.base = base;
    this.authorization = token == null ? null : "Bearer " + token;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT);
    if (tls != null) b.sslContext(tls);
    this.http = b.build();
  }

  /**
   * A client of the router at {@code url} ({@code http://} or {@code https://host[:port]}) sending
   * {@code token} (may be null), trusting the CAs in the PEM file {@code cacert} (null: the
   * runtime's) for an {@code https://} router.
   */
  static RouterClient of(String url, String token, String cacert) throws CliException {
    URI uri = parse(url);
    if (token != null
        && (token.isBlank() || !token.strip().chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      throw CliException.usage("--token must be visible ASCII characters without spaces");
    }
    return new RouterClient(
        uri,
        token == null ? null : token.strip(),
        cacert == null ? null : TrustFiles.context(cacert));
  }

  private static URI parse(String url) throws CliException {
    URI uri;
    try {
      uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (URISyntaxException e) {
      throw CliException.usage("--url '" + url + "' is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw CliException.usage(
          "--url '" + url + "' must be http[s]://host[:port] (e.g. http://127.0.0.1:8080)");
    }
    return uri;
  }

  String url() {
    return base.toString();
  }

  Reply get(String pathAndQuery) throws CliException {
    return send("GET", pathAndQuery, null, BodyPublishers.noBody());
  }

  Reply put(String pathAndQuery, String json) throws CliException {
    return send("PUT", pathAndQuery, "application/json", ofUtf8(json));
  }

  Reply post(String pathAndQuery, String json) throws CliException {
    return send("POST", pathAndQuery, "application/json", ofUtf8(json));
  }

  Reply delete(String pathAndQuery) throws CliException {
    return send("DELETE", pathAndQuery, null, BodyPublishers.noBody());
  }

  /** Any call; a status other than 2xx is thrown as its {@link CliException}. */
  Reply send(String method, String pathAndQuery, String contentType, BodyPublisher body)
      throws CliException {
    HttpRequest request = request(method, pathAndQuery, contentType, body);
    HttpResponse<String> response =
        exchange(request, BodyHandlers.ofString(StandardCharsets.UTF_8));
    Reply reply = new Reply(response.statusCode(), response.body());
    if (reply.status() / 100 != 2) throw failed(reply);
    return reply;
  }

  /**
   * A GET whose answer is read as it arrives. The caller closes the stream; a status other than 2xx
   * is thrown as its {@link CliException}.
   */
  InputStream stream(String pathAndQuery) throws CliException {
    HttpRequest request = request("GET", pathAndQuery, null, BodyPublishers.noBody());
    HttpResponse<InputStream> response = exchange(request, BodyHandlers.ofInputStream());
    if (response.statusCode() / 100 == 2) return response.body();
    try (InputStream in = response.body()) {
      throw failed(
          new Reply(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  /** What reading a stream failed with, in the words of the other failures. */
  CliException cut(IOException e) {
    return CliException.failure("the answer from " + base + " was cut short (" + describe(e) + ")");
  }

  private HttpRequest request(
      String method, String pathAndQuery, String contentType, BodyPublisher body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(CALL_TIMEOUT)
            .method(method, body);
    if (contentType != null) b.header("Content-Type", contentType);
    if (authorization != null) b.header("Authorization", authorization);
    return b.build();
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws CliException {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.failure("interrupted");
    }
  }

  private CliException unreachable(IOException e) {
    if (e instanceof HttpConnectTimeoutException || e instanceof ConnectException) {
      return CliException.failure("cannot reach the router at " + base + " (" + describe(e) + ")");
    }
    if (e instanceof HttpTimeoutException) {
      return CliException.failure(
          "no answer from " + base + " within " + CALL_TIMEOUT.toSeconds() + " s");
    }
    return CliException.failure("talking to " + base + " failed (" + describe(e) + ")");
  }

  private static String describe(IOException e) {
    // The JDK's client throws a ConnectException without a message (its cause is a closed
    // channel) when the connection is refused.
    if (e instanceof ConnectException) {
      return e.getMessage() == null ? "connection refused" : e.getMessage();
    }
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) t = t.getCause();
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** The router's error as a failure: its message, and the exit code its status means. */
  static CliException failed(Reply reply) {
    String message;
    String errorBody = null;
    try {
      JsonObject error = new JsonObject(reply.body());
      message = error.getString("message", error.getString("error", "error " + reply.status()));
      errorBody = error.encode();
    } catch (RuntimeException notJson) {
      message = "the router answered " + reply.status();
    }
    int code =
        switch (reply.status()) {
          case 404 -> ExitCode.NOT_FOUND;
          case 400, 401, 403, 413 -> ExitCode.USAGE;
          default -> ExitCode.FAILURE;
        };
    return new CliException(code, message, errorBody);
  }

  private static BodyPublisher ofUtf8(String s) {
    return BodyPublishers.ofString(s, StandardCharsets.UTF_8);
  }
}
