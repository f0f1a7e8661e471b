package io.pxkv.router.listing;

import io.pxkv.router.cluster.FailureDetector;
import io.pxkv.router.routing.Rerouting;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET /kv}: one JSON object of every pair in the cluster, {@code {K1:V1,K2:V2,...}},
 * streamed in the keys' UTF-8 order with each key once, at its newest version ({@link MergedScan}).
 * A key that sits on two nodes while keys move is listed once, and a key deleted during the move is
 * not listed at all, since its tombstone hides the older copy.
 *
 * <p>A node that cannot be reached is a 503/504 JSON error before anything is sent, unless keys are
 * replicated and the other nodes hold every key at least R times ({@link ReplicaCoverage}); a
 * failure after the head resets the connection, never a silently partial 200.
 */
public final class MergedListing {
  private final MergedScan scan;

  /**
   * {@code detector}: nodes not asked while the others cover every key ({@link ReplicaCoverage}).
   */
  public MergedListing(Rerouting rerouting, long maxLineBytes, FailureDetector detector) {
    this.scan = new MergedScan(rerouting, maxLineBytes, detector);
  }

  public void handle(HttpServerRequest request) {
    scan.serve(request.response(), ScanFormat.OBJECT);
  }
}
