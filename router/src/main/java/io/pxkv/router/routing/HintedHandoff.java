package io.pxkv.router.routing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A write a replica missed (it was suspected and not asked, or its call failed) goes to a stand-in
 * node as a hint for it ({@code POST /internal/hints?node=ID&url=URL}, the same record), which the
 * stand-in keeps durably and hands over once the replica answers again (docs/ARCHITECTURE.md,
 * "Hinted handoff"). The stand-in is the first node of the key's preference list after its replica
 * set that is not suspected; in a cluster with no node outside the set (3 nodes, N=3), the first
 * live replica other than the one that missed it, which keeps the hint besides its own copy. If the
 * stand-in's call fails, the next candidate is tried, once, within the same deadline (the router's,
 * from when the hint was sent), so a write that waits for its hints waits no longer than for its
 * replicas. A hint never counts toward W: it only brings the replica up to date sooner than
 * anti-entropy would. Runs on the calling event loop.
 */
final class HintedHandoff {
  /** Stand-ins tried for one hint: a second only when the first failed. */
  private static final int ATTEMPTS = 2;

  private final FailureDetector detector;

  HintedHandoff(FailureDetector detector) {
    this.detector = detector;
  }

  /**
   * Sends {@code record} (a one-record {@link RecordBatch}) for {@code missed} to a stand-in;
   * completes when one kept it, or failed (the failure is only logged by the caller's counters: the
   * write's answer does not depend on it).
   */
  Future<Void> send(ClusterView view, String key, NodeClient missed, Buffer record) {
    List<NodeClient> candidates = new ArrayList<>(view.othersOf(key));
    for (NodeClient r : view.replicasOf(key)) {
      if (r != missed) candidates.add(r);
    }
    String uri =
        "/internal/hints?node="
            + URLEncoder.encode(missed.node().id(), StandardCharsets.UTF_8)
            + "&url="
            + URLEncoder.encode(missed.node().url(), StandardCharsets.UTF_8);
    long deadline = System.currentTimeMillis() + missed.timeoutMs();
    return attempt(view, candidates, 0, ATTEMPTS, deadline, missed, uri, record);
  }

  private Future<Void> attempt(
      ClusterView view,
      List<NodeClient> candidates,
      int from,
      int left,
      long deadline,
      NodeClient missed,
      String uri,
      Buffer record) {
    int i = from;
    while (i < candidates.size() && detector.suspected(candidates.get(i).node().id())) i++;
    long remaining = deadline - System.currentTimeMillis();
    if (i >= candidates.size() || left == 0 || remaining <= 0) {
      return Future.failedFuture(
          new KvException(
              ErrorCode.NODE_UNAVAILABLE, "no node could keep a hint for " + missed.node().id()));
    }
    NodeClient standIn = candidates.get(i);
    int next = i + 1;
    return standIn
        .call(view.tag(), HttpMethod.POST, uri, RecordBatch.CONTENT_TYPE, record, remaining)
        .transform(
            ar -> {
              if (ar.succeeded() && ar.result().status() == 200) return Future.succeededFuture();
              if (ar.failed()) {
                KvException e = standIn.noteFailure(ar.cause());
                detector.failed(standIn.node().id(), e.getMessage());
              }
              return attempt(view, candidates, next, left - 1, deadline, missed, uri, record);
            });
  }
}
