package io.pxkv.router.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain HTTP/1.1 calls to a local port, as any client would make them. A call that gets no answer
 * (connection refused, connection cut by a killed process, timeout) is not an exception but a
 * {@link Reply} with status 0, so that tests can decide whether that was expected.
 */
final class Http {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** An answer, or {@code status == 0} with the reason in {@code body} when none came. */
  record Reply(int status, String body) {
    boolean answered() {
      return status != 0;
    }

    @Override
    public String toString() {
      String b = body.length() > 300 ? body.substring(0, 300) + "..." : body;
      return status == 0 ? "no answer (" + b + ")" : status + " " + b;
    }
  }

  Reply send(String method, int port, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(TIMEOUT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      return new Reply(0, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(0, "interrupted");
    }
  }
}
