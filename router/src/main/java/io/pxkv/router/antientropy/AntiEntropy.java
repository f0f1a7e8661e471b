package io.pxkv.router.antientropy;

import io.pxkv.common.antientropy.BucketDigests;
import io.pxkv.common.antientropy.DigestRequest;
import io.pxkv.common.antientropy.RingBuckets;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import io.pxkv.router.config.RouterConfig;
import io.pxkv.router.routing.StaleView;
import io.pxkv.router.routing.Views;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Anti-entropy, driven by the router (docs/ARCHITECTURE.md, "Anti-entropy"): walks the ring's arcs
 * a slice at a time, asks every replica not suspected for the digests of the slice's buckets
 * ({@code POST /internal/digest}), and for the buckets where the replicas of an arc differ, has
 * {@link BucketRepair} copy the newest record of each key to the replicas that lack it. A pass over
 * the whole ring is followed by the next one; the pace is bounded by the records the slices covered
 * ({@code keysPerSecond}), so a large store is walked slowly and a small one quickly.
 *
 * <p>Runs on one router event loop (every call and callback stays there); idle while the cluster
 * keeps one copy or keys are moving, and on every router but the one that leads (several routers
 * would repeat each other's work). A router restart starts a new pass: nothing but the progress
 * counters is kept, and a pass is a walk that can begin anywhere.
 */
public final class AntiEntropy {
  private static final System.Logger log = System.getLogger(AntiEntropy.class.getName());

  /** Each arc is cut into 2^4 buckets. */
  static final int BITS = 4;

  /** Arcs compared per step (a 3-node ring of 128 tokens each: 12 steps a pass). */
  static final int ARCS_PER_STEP = 32;

  /** The shortest pause between two steps, and the pause after a pass or while idle. */
  static final long MIN_PAUSE_MS = 20;

  static final long PASS_PAUSE_MS = 1000;

  /** The shortest deadline of a digest call: a slice of a large store takes a while to read. */
  static final long MIN_DEADLINE_MS = 30_000;

  private final Vertx vertx;
  private final Views views;
  private final FailureDetector detector;
  private final long keysPerSecond;
  private final long deadlineMs;
  private final AntiEntropyProgress progress;
  private final AntiEntropyClients clients;
  private final BucketRepair repair;
  private long timer = -1;
  private boolean stopped;
  private long passEpoch = -1;
  private RingBuckets buckets;
  private int nextArc;

  /** Whether every arc of the pass so far was compared on all its replicas and repaired. */
  private boolean passComplete;

  /**
   * Walks the views of {@code views} (an event loop's), skipping the nodes {@code detector}
   * suspects, at the pace and with the node access of {@code config}.
   */
  public AntiEntropy(
      Vertx vertx,
      Views views,
      FailureDetector detector,
      RouterConfig config,
      AntiEntropyProgress progress) {
    this.vertx = vertx;
    this.views = views;
    this.detector = detector;
    this.keysPerSecond = config.antiEntropyKeysPerSecond();
    this.deadlineMs = Math.max(config.timeoutMs(), MIN_DEADLINE_MS);
    this.progress = progress;
    this.clients =
        new AntiEntropyClients(
            vertx, deadlineMs, config.connectTimeoutMs(), config.security().nodes());
    this.repair = new BucketRepair(progress, deadlineMs, this::answered);
  }

  /** Starts walking, on the caller's event loop. */
  public void start() {
    if (keysPerSecond <= 0) {
      progress.state("off");
      return;
    }
    schedule(PASS_PAUSE_MS);
  }

  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) vertx.cancelTimer(timer);
    return clients.close();
  }

  private void schedule(long ms) {
    if (stopped) return;
    timer =
        vertx.setTimer(
            Math.max(1, ms),
            id -> {
              timer = -1;
              step();
            });
  }

  private void step() {
    ClusterView view = views.current();
    if (view == null || !view.replicated() || view.moving() || !views.leads()) {
      progress.state(
          view == null
              ? "waiting for a view"
              : view.moving()
                  ? "paused: moving"
                  : !view.replicated() ? "idle" : "standby: another router leads");
      schedule(PASS_PAUSE_MS);
      return;
    }
    if (view.epoch() != passEpoch || nextArc >= buckets.arcs()) {
      passEpoch = view.epoch();
      buckets = new RingBuckets(view.ring().tokens(), BITS);
      nextArc = 0;
      passComplete = true;
      progress.passStarted(buckets.arcs());
    }
    int from = nextArc;
    int to = Math.min(buckets.arcs(), from + ARCS_PER_STEP);
    RingBuckets walked = buckets;
    compare(view, walked, from, to)
        .onComplete(
            ar -> {
              long records = 0;
              if (ar.succeeded()) {
                records = ar.result();
              } else {
                passComplete = false;
                progress.failed(ar.cause().getMessage());
                log.log(System.Logger.Level.DEBUG, "anti-entropy step failed", ar.cause());
              }
              if (walked != buckets) {
                schedule(MIN_PAUSE_MS);
                return;
              }
              nextArc = to;
              progress.arcsDone(to - from);
              if (to == walked.arcs()) {
                progress.passDone(passComplete);
                schedule(PASS_PAUSE_MS);
              } else {
                schedule(Math.max(MIN_PAUSE_MS, records * 1000 / keysPerSecond));
              }
            });
  }

  /**
   * Compares arcs {@code [from, to)} across their replicas and repairs the buckets that differ.
   * Completes with the records the largest digest covered (for the pace).
   */
  private Future<Long> compare(ClusterView view, RingBuckets ring, int from, int to) {
    Buffer body = DigestRequest.digest(ring, from, to).toJson().toBuffer();
    Map<String, Future<BucketDigests>> asked = new LinkedHashMap<>();
    for (NodeInfo node : view.config().nodes()) {
      if (detector.suspected(node.id())) continue;
      NodeClient client = clients.of(node);
      asked.put(
          node.id(),
          client
              .call(
                  view.tag(),
                  HttpMethod.POST,
                  "/internal/digest",
                  "application/json",
                  body,
                  deadlineMs)
              .map(
                  reply ->
                      BucketDigests.fromJson(
                          ring, from, to, answered(client, view, reply).body().toJsonObject())));
    }
    return Future.join(new ArrayList<>(asked.values()))
        .transform(ignored -> Future.succeededFuture())
        .compose(
            ignored -> {
              Map<String, BucketDigests> digests = new HashMap<>();
              long records = 0;
              for (Map.Entry<String, Future<BucketDigests>> e : asked.entrySet()) {
                if (e.getValue().succeeded()) {
                  digests.put(e.getKey(), e.getValue().result());
                  records = Math.max(records, e.getValue().result().records());
                } else {
                  passComplete = false;
                  progress.failed(e.getKey() + ": " + e.getValue().cause().getMessage());
                }
              }
              Map<List<String>, List<Integer>> differing = differing(view, ring, from, to, digests);
              long total = records;
              return repair
                  .repairAll(view, ring, differing, id -> clients.of(view.config().node(id)))
                  .map(v -> total);
            });
  }

  /**
   * The buckets of arcs {@code [from, to)} whose replicas that answered disagree, grouped by those
   * replicas. An arc with fewer than two answering replicas is skipped (nothing to compare).
   */
  private Map<List<String>, List<Integer>> differing(
      ClusterView view, RingBuckets ring, int from, int to, Map<String, BucketDigests> digests) {
    Map<List<String>, List<Integer>> differing = new LinkedHashMap<>();
    long compared = 0;
    long skipped = 0;
    long buckets = 0;
    for (int arc = from; arc < to; arc++) {
      List<String> members = new ArrayList<>();
      List<String> set = view.replicas().replicasAt(arc);
      for (String id : set) {
        if (digests.containsKey(id)) members.add(id);
      }
      if (members.size() < set.size()) passComplete = false;
      if (members.size() < 2) {
        skipped++;
        continue;
      }
      compared++;
      BucketDigests first = digests.get(members.get(0));
      for (int b = arc * ring.perArc(); b < (arc + 1) * ring.perArc(); b++) {
        for (int m = 1; m < members.size(); m++) {
          BucketDigests other = digests.get(members.get(m));
          if (other.sum(b) != first.sum(b) || other.count(b) != first.count(b)) {
            differing.computeIfAbsent(members, k -> new ArrayList<>()).add(b);
            buckets++;
            break;
          }
        }
      }
    }
    progress.compared(compared, skipped, buckets);
    return differing;
  }

  /**
   * A node's answer, passed on when it is a 200; a node on an older view (restarted with an empty
   * data directory, say) is brought up to date by the coordinator, and any other answer fails.
   */
  private NodeReply answered(NodeClient node, ClusterView view, NodeReply reply) {
    StaleView stale = StaleView.of(node, reply);
    if (stale != null) views.nodeBehind(node.node().id(), view.epoch());
    if (reply.status() != 200) {
      throw new IllegalStateException(
          node.node().id() + " answered " + reply.status() + ": " + reply.body());
    }
    return reply;
  }
}
