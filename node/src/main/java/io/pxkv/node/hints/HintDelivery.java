package io.pxkv.node.hints;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.ViewHeaders;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.node.cluster.Membership;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Hands the hints this node holds over to their targets: every {@link #TICK_MS}, for each target
 * with hints pending and no handover under way, reads the next batch off the hints thread and sends
 * it as {@code POST /internal/replicate} (the conditional import every replicated write uses, with
 * the cluster secret and this node's view), batch after batch while the target takes them. The
 * target keeps each record only if it is newer than what it holds, so a hint that arrives after a
 * newer write, or twice, changes nothing. A batch leaves the store only once the target answered
 * 200, which it does after the records are durable by its own sync mode. A target that fails is
 * tried again after a backoff that doubles from {@link #FIRST_BACKOFF_MS} to {@link
 * #MAX_BACKOFF_MS}. Runs on one event-loop context.
 */
public final class HintDelivery {
  private static final Logger LOG = Logger.getLogger(HintDelivery.class.getName());

  static final long TICK_MS = 100;
  static final long FIRST_BACKOFF_MS = 200;
  static final long MAX_BACKOFF_MS = 2_000;
  private static final int BATCH_RECORDS = 1_000;
  private static final long BATCH_BYTES = 4L << 20;
  private static final long CALL_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final HintService hints;
  private final Membership membership;
  private final HttpClient client;
  private final String authorization;
  private final Set<String> busy = new HashSet<>();
  private final Map<String, Long> retryAt = new HashMap<>();
  private final Map<String, Long> backoff = new HashMap<>();
  private long timer = -1;

  public HintDelivery(Vertx vertx, HintService hints, Membership membership, NodeAccess peers) {
    this.vertx = vertx;
    this.hints = hints;
    this.membership = membership;
    this.authorization = peers.authorization();
    this.client =
        vertx.createHttpClient(
            peers.applyTo(
                new HttpClientOptions()
                    .setKeepAlive(true)
                    .setTcpNoDelay(true)
                    .setConnectTimeout(2_000),
                false));
  }

  public void start() {
    timer = vertx.setPeriodic(TICK_MS, t -> tick());
  }

  public Future<Void> stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    return client.close();
  }

  private void tick() {
    long now = System.currentTimeMillis();
    for (HintStore.Pending p : hints.pending()) {
      if (p.bytes() == 0 || busy.contains(p.target())) continue;
      if (retryAt.getOrDefault(p.target(), 0L) > now) continue;
      busy.add(p.target());
      deliver(p.target());
    }
  }

  /** Batch after batch to {@code target} until it has everything, or fails. */
  private void deliver(String target) {
    hints
        .next(target, BATCH_RECORDS, BATCH_BYTES)
        .compose(
            batch -> {
              if (batch == null) return Future.succeededFuture(false);
              Future<Void> sent =
                  batch.records().isEmpty() ? Future.succeededFuture() : send(batch);
              return sent.compose(v -> hints.delivered(batch)).map(true);
            })
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result()) {
                hints.handoverWorked(target);
                backoff.remove(target);
                retryAt.remove(target);
                deliver(target);
                return;
              }
              busy.remove(target);
              if (ar.failed()) {
                long wait =
                    Math.min(
                        MAX_BACKOFF_MS, backoff.getOrDefault(target, FIRST_BACKOFF_MS / 2) * 2);
                backoff.put(target, wait);
                retryAt.put(target, System.currentTimeMillis() + wait);
                String why = String.valueOf(ar.cause().getMessage());
                hints.handoverFailed(target, why);
                LOG.fine("hints for " + target + " not delivered: " + why);
              }
            });
  }

  private Future<Void> send(HintStore.Batch batch) {
    URI url;
    try {
      url = URI.create(batch.url());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Buffer body = Buffer.buffer(64 * 1024);
    for (StoredRecord r : batch.records()) {
      RecordBatch.append(
          body,
          r.key().getBytes(StandardCharsets.UTF_8),
          r.value(),
          r.version(),
          r.writer(),
          r.expiresAt());
    }
    boolean tls = "https".equals(url.getScheme());
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(url.getHost())
            .setPort(url.getPort() > 0 ? url.getPort() : tls ? 443 : 80)
            .setSsl(tls)
            .setURI("/internal/replicate")
            .setTimeout(CALL_TIMEOUT_MS)
            .putHeader(Headers.CONTENT_TYPE, RecordBatch.CONTENT_TYPE);
    if (membership.clusterId() != null) {
      options.putHeader(ViewHeaders.CLUSTER, membership.clusterId());
    }
    if (membership.openEpoch() > 0) {
      options.putHeader(ViewHeaders.EPOCH, Long.toString(membership.openEpoch()));
    }
    if (authorization != null) options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    return client
        .request(options)
        .compose(req -> req.send(body))
        .compose(
            resp ->
                resp.body()
                    .compose(
                        answer -> {
                          if (resp.statusCode() == 200) return Future.succeededFuture();
                          return Future.failedFuture(
                              new IllegalStateException(
                                  batch.target()
                                      + " answered "
                                      + resp.statusCode()
                                      + ": "
                                      + answer));
                        }));
  }
}
