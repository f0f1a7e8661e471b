package io.pxkv.bench.baseline;

import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.UsageException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes the keys the GET benchmarks read ({@code bench-0 .. bench-(N-1)}, each a small JSON
 * value), with a bounded number of calls in flight, and fails loudly if any write is refused.
 *
 * <p>{@code java -cp bench.jar io.pxkv.bench.baseline.Preload --url http://127.0.0.1:P [--api
 * kv|webdis|etcd] [--keys 10000] [--concurrency 32]}
 *
 * <p>{@code kv} sends {@code PUT /kv/bench-i} with the bare JSON value as body (the px-kvstore
 * API); {@code webdis} sends {@code PUT /SET/bench-i} with the same bytes as body; {@code etcd}
 * sends {@code POST /v3/kv/put} with the key and the same bytes base64-encoded in a JSON body (its
 * HTTP gateway). The harness calls {@link #write} in its own process.
 */
public final class Preload {
  private Preload() {}

  /** The value written for key number {@code i}; the wrk PUT scripts write the same shape. */
  public static String value(int i) {
    return "{\"n\":" + i + ",\"s\":\"bench-value\"}";
  }

  /** The body of etcd's {@code /v3/kv/put}: key and value base64-encoded, as its gateway wants. */
  static String etcdPut(String key, String value) {
    Base64.Encoder b64 = Base64.getEncoder();
    return "{\"key\":\""
        + b64.encodeToString(key.getBytes(StandardCharsets.UTF_8))
        + "\",\"value\":\""
        + b64.encodeToString(value.getBytes(StandardCharsets.UTF_8))
        + "\"}";
  }

  public static void main(String[] argv) throws InterruptedException {
    Flags flags =
        new Flags("Preload")
            .option("url", null, "the server to write to")
            .option("api", "kv", "kv, webdis or etcd")
            .option("keys", "10000", "how many keys")
            .option("concurrency", "32", "requests in flight")
            .option("timeout-seconds", "120", "how long the whole load may take");
    URI url;
    String api;
    int keys;
    int concurrency;
    int timeoutSeconds;
    try {
      if (!flags.parse(argv, System.getenv())) {
        System.out.print(flags.help());
        return;
      }
      url = URI.create(flags.string("url"));
      api = flags.choice("api", List.of("kv", "webdis", "etcd"));
      keys = flags.integer("keys", 0, Integer.MAX_VALUE);
      concurrency = flags.integer("concurrency", 1, Integer.MAX_VALUE);
      timeoutSeconds = flags.integer("timeout-seconds", 1, Integer.MAX_VALUE);
    } catch (UsageException | IllegalArgumentException e) {
      System.err.println("Preload: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      long millis = write(url, api, keys, concurrency, timeoutSeconds);
      System.out.println("Preload: wrote " + keys + " keys to " + url + " in " + millis + " ms");
    } catch (IllegalStateException e) {
      System.err.println("Preload: " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * Writes {@code bench-0 .. bench-(keys-1)} and returns the milliseconds it took; throws {@link
   * IllegalStateException} naming the first refused write, or when not every write was answered
   * within {@code timeoutSeconds}.
   */
  public static long write(URI url, String api, int keys, int concurrency, int timeoutSeconds)
      throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setDefaultHost(url.getHost())
                .setDefaultPort(url.getPort())
                // A benchmark's own server on loopback with a throwaway certificate: the
                // preloader, like wrk, does not check it.
                .setSsl("https".equals(url.getScheme()))
                .setTrustAll(true)
                .setVerifyHost(false),
            new PoolOptions().setHttp1MaxSize(concurrency));
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    CountDownLatch finished = new CountDownLatch(keys);
    long started = System.nanoTime();

    Runnable[] sendNext = new Runnable[1];
    sendNext[0] =
        () -> {
          int i = next.getAndIncrement();
          if (i >= keys) {
            return;
          }
          boolean etcd = api.equals("etcd");
          String uri =
              etcd ? "/v3/kv/put" : api.equals("kv") ? "/kv/bench-" + i : "/SET/bench-" + i;
          String payload = etcd ? etcdPut("bench-" + i, value(i)) : value(i);
          RequestOptions options =
              new RequestOptions()
                  .setMethod(etcd ? HttpMethod.POST : HttpMethod.PUT)
                  .setURI(uri)
                  .setIdleTimeout(10_000)
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
          client
              .request(options)
              .compose(req -> req.send(Buffer.buffer(payload)))
              .compose(
                  resp ->
                      resp.body()
                          .map(
                              body -> {
                                if (resp.statusCode() / 100 != 2) {
                                  firstFailure.compareAndSet(
                                      null, "PUT " + uri + " -> " + resp.statusCode() + " " + body);
                                }
                                return null;
                              }))
              .onComplete(
                  ar -> {
                    if (ar.failed()) {
                      firstFailure.compareAndSet(null, "PUT " + uri + " failed: " + ar.cause());
                    }
                    done.incrementAndGet();
                    finished.countDown();
                    sendNext[0].run();
                  });
        };
    for (int c = 0; c < Math.min(concurrency, keys); c++) {
      sendNext[0].run();
    }
    boolean complete;
    try {
      complete = finished.await(timeoutSeconds, TimeUnit.SECONDS);
    } finally {
      vertx.close();
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    if (!complete) {
      throw new IllegalStateException(
          "only "
              + done.get()
              + " of "
              + keys
              + " writes to "
              + url
              + " answered within "
              + timeoutSeconds
              + " s");
    }
    if (firstFailure.get() != null) {
      throw new IllegalStateException(firstFailure.get());
    }
    return millis;
  }
}
