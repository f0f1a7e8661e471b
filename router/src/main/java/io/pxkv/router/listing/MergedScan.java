package io.pxkv.router.listing;

import static java.lang.System.Logger.Level.WARNING;

import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.client.NodeStream;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import io.pxkv.router.routing.Rerouting;
import io.pxkv.router.routing.StaleView;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A streamed listing of every key in the cluster, each once, in {@link
 * io.pxkv.common.kv.KeyOrder#UTF8} order: every node that may hold keys streams its whole scan
 * ({@link NodeScan}) at the same time, and a {@link KeyMerge} writes each key's newest record as
 * soon as no node can still send a copy of it. Used by {@code GET /kv} and {@code GET
 * /admin/export}, which differ only in their {@link ScanFormat}.
 *
 * <p>A key whose newest record is a handoff marker (it left a node after the others' scans passed
 * it) is read where it went ({@link HandedOffKeys}) before anything after it is written: records
 * behind it wait in order, up to {@link #MAX_READS} such reads at once and {@link
 * #HIGH_WATER_BYTES} of waiting records, then the merge stops taking records until the oldest read
 * answers. A read the nodes refuse because they moved to a newer view meanwhile (the move settled,
 * say) is routed again by that view: it asks for the key as it is now, which any view answers
 * right; the scans already open go on.
 *
 * <p>Memory stays flat however big the cluster is: a node is paused once the merge holds {@link
 * #HIGH_WATER_BYTES} of its records (it is ahead of the others) and resumed below {@link
 * #LOW_WATER_BYTES}; every node is paused while the client's write queue is full. A node the merge
 * waits for is never paused, so the merge cannot stall itself.
 *
 * <p>Failures: the 200 head is written only once every node answered its scan, so a node that
 * cannot be reached, or answers anything but 200, is a 503/504 JSON error, unless keys are
 * replicated and the nodes that did answer hold every key at least R times ({@link
 * ReplicaCoverage}): the listing then goes on without it. A {@code 409 stale_view} routes the whole
 * listing again by the newer view ({@link Rerouting}). Once the head is out, a node cut off is left
 * out the same way if the others still cover every key; any other failure (a node cut off without
 * that cover, a malformed or out-of-order line, a failed read of a key that left a node) resets the
 * connection, so the client never mistakes a partial listing for a complete one, and the other
 * nodes' scans are reset too. A client that leaves resets every node's scan.
 *
 * <p>Confined to the event loop of the request.
 */
final class MergedScan {
  private static final System.Logger log = System.getLogger(MergedScan.class.getName());

  /** A node whose records held by the merge reach this is paused: it is ahead of the others. */
  static final long HIGH_WATER_BYTES = 256 * 1024;

  /** A paused node is resumed once the merge holds less than this of it. */
  static final long LOW_WATER_BYTES = 64 * 1024;

  /** Output is gathered into writes of about this size. */
  private static final int WRITE_BYTES = 16 * 1024;

  /** Reads of keys that left a node ({@link HandedOffKeys}) in flight at once, at most. */
  static final int MAX_READS = 16;

  private final Rerouting rerouting;
  private final long maxLineBytes;
  private final FailureDetector detector;

  /**
   * {@code maxLineBytes}: the longest scan line accepted from a node (a record with its value);
   * {@code detector}: the nodes not asked while the others cover every key ({@link
   * ReplicaCoverage#suspected}).
   */
  MergedScan(Rerouting rerouting, long maxLineBytes, FailureDetector detector) {
    this.rerouting = rerouting;
    this.maxLineBytes = maxLineBytes;
    this.detector = detector;
  }

  void serve(HttpServerResponse out, ScanFormat format) {
    boolean[] gone = {false};
    out.closeHandler(v -> gone[0] = true);
    rerouting
        .routed(view -> open(view, ReplicaCoverage.suspected(view, detector)))
        .onComplete(
            ar -> {
              if (gone[0]) {
                if (ar.succeeded()) ar.result().streams.forEach(NodeClient::discard);
              } else if (ar.failed()) {
                ErrorResponses.send(out, ar.cause());
              } else {
                new Pump(out, ar.result(), format, maxLineBytes, rerouting).start();
              }
            });
  }

  /**
   * The scans of the nodes that answered 200, paused with their bodies unread, and the ids of the
   * nodes left out (they could not be reached or refused: {@link ReplicaCoverage} allowed it).
   */
  private record Opened(
      ClusterView view, List<NodeClient> nodes, List<NodeStream> streams, Set<String> missing) {}

  /**
   * Asks every node of {@code view} for its scan at once. Completes once all have answered: with
   * the streams of those that answered 200 if the others may be left out ({@link ReplicaCoverage}),
   * else failed (a {@link StaleView} if any node refused the view) with every stream that did open
   * reset.
   */
  private static Future<Opened> open(ClusterView view, Set<String> notAsked) {
    String uri = NodeScan.uri("", null, 0, view.moving() || view.replicated());
    List<NodeClient> nodes = view.clients();
    List<Future<NodeStream>> heads = new ArrayList<>(nodes.size());
    for (NodeClient node : nodes) {
      if (notAsked.contains(node.node().id())) {
        heads.add(Future.failedFuture(ReplicaCoverage.notAsked(node)));
        continue;
      }
      // Paused at once, in the callback that delivers the head: no chunk can arrive unhandled.
      heads.add(
          node.stream(view.tag(), uri)
              .andThen(
                  ar -> {
                    if (ar.succeeded()) ar.result().pause();
                  }));
    }
    return Future.join(heads).transform(all -> checked(view, nodes, heads));
  }

  private static Future<Opened> checked(
      ClusterView view, List<NodeClient> nodes, List<Future<NodeStream>> heads) {
    List<NodeClient> live = new ArrayList<>(nodes.size());
    List<NodeStream> open = new ArrayList<>(nodes.size());
    List<Future<RuntimeException>> refusals = new ArrayList<>();
    Set<String> missing = new HashSet<>();
    Throwable unreachable = null;
    for (int i = 0; i < nodes.size(); i++) {
      Future<NodeStream> head = heads.get(i);
      if (head.failed()) {
        if (unreachable == null) unreachable = head.cause();
        missing.add(nodes.get(i).node().id());
      } else if (head.result().statusCode() == 200) {
        live.add(nodes.get(i));
        open.add(head.result());
      } else {
        refusals.add(refusal(nodes.get(i), head.result()));
        missing.add(nodes.get(i).node().id());
      }
    }
    if (unreachable == null && refusals.isEmpty()) {
      return Future.succeededFuture(new Opened(view, live, open, missing));
    }
    Throwable firstFailure = unreachable;
    return Future.join(refusals)
        .transform(
            done -> {
              // A stale view first: routed again, the listing may well succeed.
              for (Future<RuntimeException> r : refusals) {
                if (r.result() instanceof StaleView stale) {
                  open.forEach(NodeClient::discard);
                  return Future.failedFuture(stale);
                }
              }
              if (ReplicaCoverage.enough(view, missing)) {
                return Future.succeededFuture(new Opened(view, live, open, missing));
              }
              open.forEach(NodeClient::discard);
              return Future.failedFuture(
                  firstFailure != null ? firstFailure : refusals.get(0).result());
            });
  }

  /** Reads a refusal's (small) body and says what it means ({@link NodeScan#refused}). */
  private static Future<RuntimeException> refusal(NodeClient node, NodeStream in) {
    Future<Buffer> body = in.body();
    in.resume();
    return body.transform(
        ar -> {
          if (ar.failed()) return Future.succeededFuture(node.noteFailure(ar.cause()));
          String type = in.contentType();
          NodeReply reply = new NodeReply(in.statusCode(), type, ar.result());
          return Future.succeededFuture(NodeScan.refused(node, reply));
        });
  }

  /**
   * A key the merge gave out whose record is not written yet: a record waiting behind a read, or a
   * read of a key that left a node ({@code ready} once answered; {@code record} null if not live).
   */
  private static final class Pending {
    ScanRecord record;
    boolean ready;
    int size;
  }

  /** Moves records from the nodes' streams through the merge to the client. */
  private static final class Pump {
    private final HttpServerResponse out;
    private final Rerouting rerouting;
    private final ClusterView view;
    private final Set<String> missing;
    private final List<NodeClient> nodes;
    private final List<NodeStream> streams;
    private final ScanFormat format;
    private final KeyMerge merge;
    private final ScanLines[] lines;
    private final boolean[] paused;

    /** Lanes whose node was cut off and which the merge goes on without. */
    private final boolean[] lost;

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long pendingBytes;
    private int reading;
    private boolean done;
    private boolean anyWritten;

    Pump(
        HttpServerResponse out,
        Opened opened,
        ScanFormat format,
        long maxLineBytes,
        Rerouting rerouting) {
      this.out = out;
      this.rerouting = rerouting;
      this.view = opened.view;
      this.missing = new HashSet<>(opened.missing);
      this.nodes = opened.nodes;
      this.streams = opened.streams;
      this.format = format;
      int n = nodes.size();
      this.merge = new KeyMerge(n);
      this.lines = new ScanLines[n];
      this.paused = new boolean[n];
      this.lost = new boolean[n];
      for (int i = 0; i < n; i++) {
        int lane = i;
        NodeClient node = nodes.get(i);
        lines[i] = new ScanLines(maxLineBytes, line -> merge.add(lane, NodeScan.parse(node, line)));
      }
    }

    void start() {
      out.closeHandler(v -> stop());
      out.setChunked(true).putHeader(Headers.CONTENT_TYPE, format.contentType());
      Buffer head = Buffer.buffer();
      format.start(head);
      out.write(head);
      for (int i = 0; i < streams.size(); i++) {
        int lane = i;
        NodeStream in = streams.get(i);
        NodeClient node = nodes.get(i);
        in.handler(chunk -> received(lane, chunk));
        in.exceptionHandler(e -> cutOff(lane, node.noteFailure(e)));
        in.endHandler(v -> ended(lane));
        paused[i] = true; // as open() left it
      }
      resumeBehind();
      drive();
    }

    /**
     * Node {@code lane}'s scan broke off: the merge goes on without it if the other nodes still
     * hold every key ({@link ReplicaCoverage}), else the listing fails. The records it sent stay in
     * the merge; a line cut in two is dropped.
     */
    private void cutOff(int lane, Throwable failure) {
      if (done || lost[lane] || merge.ended(lane)) return;
      missing.add(nodes.get(lane).node().id());
      if (!ReplicaCoverage.enough(view, missing)) {
        fail(failure);
        return;
      }
      lost[lane] = true;
      paused[lane] = true;
      NodeClient.discard(streams.get(lane));
      merge.end(lane);
      drive();
    }

    private void received(int lane, Buffer chunk) {
      if (done || lost[lane]) return;
      try {
        lines[lane].feed(chunk);
      } catch (RuntimeException e) {
        fail(NodeScan.malformed(nodes.get(lane), e));
        return;
      }
      if (!paused[lane] && merge.heldBytes(lane) >= HIGH_WATER_BYTES) {
        paused[lane] = true;
        streams.get(lane).pause();
      }
      drive();
    }

    private void ended(int lane) {
      if (done || lost[lane]) return;
      try {
        lines[lane].end();
      } catch (RuntimeException e) {
        fail(NodeScan.malformed(nodes.get(lane), e));
        return;
      }
      merge.end(lane);
      drive();
    }

    /** Writes every certain record the client can take now, then decides who may send more. */
    private void drive() {
      if (done) return;
      Buffer batch = Buffer.buffer(WRITE_BYTES + 1024);
      while (!out.writeQueueFull()) {
        Pending first = pending.peek();
        if (first != null && first.ready) {
          pending.poll();
          pendingBytes -= first.size;
          if (first.record != null) batch = write(first.record, batch);
          continue;
        }
        if (first != null && (reading >= MAX_READS || pendingBytes >= HIGH_WATER_BYTES)) break;
        ScanRecord r = merge.next();
        if (r == null) break;
        if (r.deleted()) continue;
        if (r.handedOff()) {
          pending.add(read(r));
        } else if (first == null) {
          batch = write(r, batch);
        } else {
          Pending waiting = new Pending();
          waiting.record = r;
          waiting.ready = true;
          waiting.size = r.size();
          pendingBytes += waiting.size;
          pending.add(waiting);
        }
      }
      if (merge.finished() && pending.isEmpty()) {
        done = true;
        format.end(batch);
        out.end(batch);
        return;
      }
      if (batch.length() > 0) out.write(batch);
      if (out.writeQueueFull()) {
        for (int i = 0; i < paused.length; i++) {
          if (!paused[i]) {
            paused[i] = true;
            streams.get(i).pause();
          }
        }
        out.drainHandler(
            v -> {
              resumeBehind();
              drive();
            });
        return;
      }
      resumeBehind();
    }

    /** Adds {@code r} to {@code batch}, writing the batch out once it is big enough. */
    private Buffer write(ScanRecord r, Buffer batch) {
      format.pair(r, !anyWritten, batch);
      anyWritten = true;
      if (batch.length() < WRITE_BYTES) return batch;
      out.write(batch);
      return Buffer.buffer(WRITE_BYTES + 1024);
    }

    /** Reads the key of {@code marker} where it went; drives on once it answers. */
    private Pending read(ScanRecord marker) {
      Pending slot = new Pending();
      reading++;
      rerouting
          .routed(view -> HandedOffKeys.resolve(view, marker))
          .onComplete(
              ar -> {
                reading--;
                if (done) return;
                if (ar.failed()) {
                  fail(ar.cause());
                  return;
                }
                slot.record = ar.result();
                slot.ready = true;
                drive();
              });
      return slot;
    }

    /** Resumes every paused node the merge holds little of. */
    private void resumeBehind() {
      for (int i = 0; i < paused.length; i++) {
        if (paused[i] && !merge.ended(i) && merge.heldBytes(i) < LOW_WATER_BYTES) {
          paused[i] = false;
          streams.get(i).resume();
        }
      }
    }

    private void fail(Throwable failure) {
      if (done) return;
      stop();
      log.log(WARNING, "listing cut after its head: " + failure);
      // The head is out: a reset, the only signal left (ErrorResponses).
      ErrorResponses.send(out, failure);
    }

    /** Stops reading every node's scan; the response is left to the caller. */
    private void stop() {
      if (done) return;
      done = true;
      for (int i = 0; i < streams.size(); i++) {
        if (!merge.ended(i)) NodeClient.discard(streams.get(i));
      }
    }
  }
}
