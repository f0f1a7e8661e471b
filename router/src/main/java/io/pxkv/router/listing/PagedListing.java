package io.pxkv.router.listing;

import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.kv.Cursors;
import io.pxkv.common.kv.KvJson;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import io.pxkv.router.routing.Rerouting;
import io.pxkv.router.routing.StaleView;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /kv?prefix=&match=&start=&end=&limit=&cursor=} across the cluster ({@link
 * ListingQuery}): pages in the keys' UTF-8 order, each key once at its newest version, whichever
 * nodes hold copies of it.
 *
 * <p>A page asks every node that may hold keys at once for the next records after the cursor
 * ({@link NodeScan}; tombstones too while keys move) and merges them ({@link KeyMerge}). Keys are
 * spread evenly over the nodes, so each node is asked for its share of the page with some slack
 * ({@link #firstBatch}), not for the whole page: asking each of n nodes for {@code limit + 1} would
 * have them read and ship n times the records the page lists, and under a sparse glob walk n times
 * the keys. A node that sent a full batch may have more after its last key, so the merge only takes
 * keys up to the smallest such last key; when it runs dry before the page is full (tombstones, keys
 * the glob or range leaves out, or one node behind the others), it asks the nodes it waits for for
 * more (twice as many each round), in the same request. The page ends with {@code limit} items and
 * a cursor if one more key to list was seen, or with what there is and no cursor at the end of
 * every node's scan or of the range. The cursor is the last key listed ({@link RouterCursor}).
 *
 * <p>Nodes only know "after a key", so the first page of a range starting at {@code A} also asks
 * every node for its first key with prefix {@code A} (one record), which is {@code A} itself if the
 * node has it.
 *
 * <p>A key whose newest record is a handoff marker (it left a node after the others' scans passed
 * it) is read where it went ({@link HandedOffKeys}); the page goes on merging meanwhile, and waits
 * for those reads before it decides where it ends, since a key read as deleted is not listed. Such
 * reads are rare: only keys that moved while the page was being read need them.
 *
 * <p>A page stops early, short or even empty but with a cursor to go on from, once it has passed
 * over {@link #SKIP_BUDGET} records it does not list (tombstones, keys the glob or range leaves
 * out): a sparse glob or a long stretch of tombstones must not hold one request for long. Redis
 * {@code SCAN MATCH} pages behave the same way.
 *
 * <p>A node that cannot be reached, or answers anything but 200, is a 503/504, unless keys are
 * replicated and the other nodes hold every key at least R times ({@link ReplicaCoverage}): the
 * page then goes on without it. A {@code 409 stale_view} routes the page again by the newer view
 * from the same cursor. Runs on the verticle's event loop.
 */
public final class PagedListing {
  /** The most records one page asks a node for in one round: the largest limit, plus one. */
  static final int MAX_BATCH = Cursors.MAX_LIMIT + 1;

  /** How many records one page may pass over without listing them before it ends early. */
  static final int SKIP_BUDGET = 16 * Cursors.MAX_LIMIT;

  private final Rerouting rerouting;
  private final FailureDetector detector;

  /**
   * What a page first asks each of {@code nodes} nodes for: its even share of {@code limit + 1}
   * records with a quarter more and 8 of slack, so that the smallest last key of the nodes' batches
   * usually lies past the page's end and one round fills the page; never more than {@code limit +
   * 1}, which one node alone may have to give.
   */
  static int firstBatch(int limit, int nodes) {
    long share = ((long) limit + 1 + nodes - 1) / Math.max(1, nodes);
    return (int) Math.min((long) limit + 1, share + share / 4 + 8);
  }

  /**
   * {@code detector}: nodes not asked while the others cover every key ({@link ReplicaCoverage}).
   */
  public PagedListing(Rerouting rerouting, FailureDetector detector) {
    this.rerouting = rerouting;
    this.detector = detector;
  }

  public void handle(HttpServerRequest request) {
    ListingQuery query = ListingQuery.of(request);
    int limit = Cursors.parseLimit(request.getParam("limit"));
    String rawCursor = request.getParam("cursor");
    String after = rawCursor == null ? null : RouterCursor.decode(rawCursor, query).after();
    HttpServerResponse response = request.response();
    rerouting
        .routed(
            view ->
                new Fill(view, query, after, limit, ReplicaCoverage.suspected(view, detector))
                    .run())
        .onSuccess(
            body -> response.putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON).end(body))
        .onFailure(e -> ErrorResponses.send(response, e));
  }

  /** One page being filled from one view; confined to one request on one event loop. */
  static final class Fill {
    private final ClusterView view;
    private final List<NodeClient> nodes;
    private final ListingQuery query;
    private final String nodePrefix;
    private final String cursor;
    private final int limit;

    /** Lanes 0..n-1 scan the nodes; lanes n..2n-1, on a range's first page, look for its start. */
    private final boolean probeStart;

    private final KeyMerge merge;

    private final Set<String> notAsked;

    /** The nodes this page goes on without: they failed, and the others hold every key. */
    private final Set<String> missing = new HashSet<>();

    /**
     * The keys to list so far, in order: records, and markers' keys being read ({@link
     * HandedOffKeys}; null when not live). At most {@code limit + 1}: one more than fits on the
     * page shows that the page is full and another follows.
     */
    private final List<Future<ScanRecord>> page = new ArrayList<>();

    private int batch;
    private int skipped;
    private String lastConsumed;

    /**
     * A page of {@code limit} keys of {@code query} strictly after {@code cursor} (or all), not
     * asking the nodes {@code notAsked} (they are left out as if they had failed).
     */
    Fill(ClusterView view, ListingQuery query, String cursor, int limit, Set<String> notAsked) {
      this.view = view;
      this.notAsked = notAsked;
      this.nodes = view.clients();
      this.query = query;
      this.nodePrefix = query.nodePrefix();
      this.limit = limit;
      this.batch = firstBatch(limit, nodes.size());
      String start = query.start();
      this.probeStart =
          cursor == null && start != null && nodePrefix != null && start.startsWith(nodePrefix);
      // A range's first page scans the nodes after its start; the probes find the start itself.
      this.cursor = cursor != null || start == null ? cursor : start;
      this.merge = new KeyMerge(probeStart ? 2 * nodes.size() : nodes.size());
    }

    /** The page's JSON body. */
    Future<Buffer> run() {
      if (query.empty()) return Future.succeededFuture(body(null));
      return fetch().compose(v -> consume());
    }

    private Future<Buffer> consume() {
      while (true) {
        if (page.size() > limit) {
          // One more than fits: the page is full once the markers among them were read as live.
          return settled()
              .compose(
                  v ->
                      page.size() > limit
                          ? Future.succeededFuture(body(page.get(limit - 1).result().key()))
                          : consume());
        }
        ScanRecord r = merge.next();
        if (r == null) {
          if (merge.finished()) return settled().map(v -> body(null));
          if (skipped >= SKIP_BUDGET) return settled().map(v -> body(lastConsumed));
          batch = Math.min(MAX_BATCH, batch * 2);
          return fetch().compose(v -> consume());
        }
        if (query.pastEnd(r.key())) return settled().map(v -> body(null));
        lastConsumed = r.key();
        if (r.deleted() || !query.admits(r.key())) {
          skipped++;
        } else if (r.handedOff()) {
          page.add(HandedOffKeys.resolve(view, r));
        } else {
          page.add(Future.succeededFuture(r));
        }
      }
    }

    /**
     * Completes once every marker on the page was read, having dropped those not live (counted as
     * skipped); fails as the first failed read did.
     */
    private Future<Void> settled() {
      return Future.all(page)
          .map(
              done -> {
                int before = page.size();
                page.removeIf(read -> read.result() == null);
                skipped += before - page.size();
                return null;
              });
    }

    /** Asks each node the merge waits for for its next batch; fails as {@link #failure} says. */
    private Future<Void> fetch() {
      List<Future<Void>> calls = new ArrayList<>();
      for (int i = 0; i < merge.laneCount(); i++) {
        if (merge.waitingFor(i)) {
          int lane = i;
          NodeClient node = nodes.get(i % nodes.size());
          Future<Void> call =
              notAsked.contains(node.node().id())
                  ? Future.failedFuture(ReplicaCoverage.notAsked(node))
                  : i < nodes.size() ? fetch(i) : probe(i);
          calls.add(call.recover(e -> without(lane, node, e)));
        }
      }
      if (calls.isEmpty()) {
        return Future.failedFuture(new IllegalStateException("merge blocked on no node"));
      }
      return Future.join(calls).transform(done -> failure(calls));
    }

    private Future<Void> fetch(int lane) {
      NodeClient node = nodes.get(lane);
      String after = merge.lastKey(lane) != null ? merge.lastKey(lane) : cursor;
      int asked = batch;
      String uri =
          NodeScan.uri(nodePrefix, after, asked, view.moving() || view.replicated(), query.match());
      return scan(node, uri)
          .map(
              records -> {
                if (records.size() > asked) {
                  throw NodeScan.malformed(
                      node,
                      new IllegalArgumentException(records.size() + " lines, limit " + asked));
                }
                add(node, lane, records);
                if (records.size() < asked) merge.end(lane);
                return null;
              });
    }

    /** The start of a range on one node: its first key with the start as prefix, if that is it. */
    private Future<Void> probe(int lane) {
      NodeClient node = nodes.get(lane - nodes.size());
      String uri = NodeScan.uri(query.start(), null, 1, view.moving() || view.replicated());
      return scan(node, uri)
          .map(
              records -> {
                List<ScanRecord> start =
                    records.stream().filter(r -> r.key().equals(query.start())).toList();
                add(node, lane, start);
                merge.end(lane);
                return null;
              });
    }

    private Future<List<ScanRecord>> scan(NodeClient node, String uri) {
      return node.call(view.tag(), HttpMethod.GET, uri, null, null)
          .map(
              reply -> {
                if (reply.status() != 200) throw NodeScan.refused(node, reply);
                return NodeScan.records(node, reply.body());
              });
    }

    private void add(NodeClient node, int lane, List<ScanRecord> records) {
      try {
        for (ScanRecord r : records) merge.add(lane, r);
      } catch (IllegalArgumentException e) {
        throw NodeScan.malformed(node, e);
      }
    }

    /**
     * A node's batch failed: the page goes on without the node ({@code lane} ends) if the other
     * nodes still hold every key R times ({@link ReplicaCoverage}), else the page fails. A stale
     * view always fails it: the page is routed again.
     */
    private Future<Void> without(int lane, NodeClient node, Throwable failure) {
      if (failure instanceof StaleView) return Future.failedFuture(failure);
      missing.add(node.node().id());
      if (!ReplicaCoverage.enough(view, missing)) return Future.failedFuture(failure);
      merge.end(lane);
      return Future.succeededFuture();
    }

    /** Succeeds if every call did; else a stale view first (routed again), else the first error. */
    private static Future<Void> failure(List<Future<Void>> calls) {
      Throwable first = null;
      for (Future<Void> call : calls) {
        if (call.cause() instanceof StaleView stale) return Future.failedFuture(stale);
        if (call.failed() && first == null) first = call.cause();
      }
      return first == null ? Future.succeededFuture() : Future.failedFuture(first);
    }

    /** The page's first {@code limit} keys, and a cursor after {@code cursorKey} unless null. */
    private Buffer body(String cursorKey) {
      Buffer body = Buffer.buffer(256).appendString("{\"items\":[");
      for (int i = 0; i < Math.min(limit, page.size()); i++) {
        ScanRecord r = page.get(i).result();
        if (i > 0) body.appendByte((byte) ',');
        body.appendString("{\"key\":")
            .appendBytes(KvJson.quote(r.key()))
            .appendString(",\"value\":")
            .appendBuffer(r.value())
            .appendString(",\"version\":")
            .appendString(Long.toString(r.version()))
            .appendByte((byte) '}');
      }
      body.appendByte((byte) ']');
      if (cursorKey != null) {
        body.appendString(",\"cursor\":")
            .appendBytes(KvJson.quote(new RouterCursor(cursorKey, query).encode()));
      }
      return body.appendByte((byte) '}');
    }
  }
}
