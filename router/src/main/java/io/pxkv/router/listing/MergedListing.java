package io.pxkv.router.listing;

import io.pxkv.router.routing.Rerouting;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET /kv}: one JSON object of every pair in the cluster, {@code {K1:V1,K2:V2,...}},
 * streamed in the keys' UTF-8 order with each key once, at its newest version ({@link MergedScan}).
 * A key that sits on two nodes while keys move is listed once, and a key deleted during the move is
 * not listed at all, since its tombstone hides the older copy.
 *
 * <p>A node that cannot be reached is a 503/504 JSON error before anything is sent; a failure after
 * the head resets the connection, never a silently partial 200.
 */
public final class MergedListing {
  private final MergedScan scan;

  public MergedListing(Rerouting rerouting, long maxLineBytes) {
    this.scan = new MergedScan(rerouting, maxLineBytes);
  }

  public void handle(HttpServerRequest request) {
    scan.serve(request.response(), ScanFormat.OBJECT);
  }
}
