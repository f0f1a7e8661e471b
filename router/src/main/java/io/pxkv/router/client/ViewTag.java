package io.pxkv.router.client;

/**
 * The cluster and the view (epoch) a request to a node was routed by, sent as two headers, {@code
 * X-Pxkv-Cluster} and {@code X-Pxkv-Epoch}. A node of another cluster refuses the request ({@code
 * 409 wrong_cluster}); a node on another epoch refuses it too ({@code 409 stale_view}), so a
 * request routed by a layout that no longer holds is never served by the wrong node: the router
 * routes it again by the newest view. Immutable; the header bytes are built once per view.
 */
public final class ViewTag {
  public static final String CLUSTER_HEADER = "X-Pxkv-Cluster";
  public static final String EPOCH_HEADER = "X-Pxkv-Epoch";

  private final String clusterId;
  private final long epoch;
  private final String headerLines;

  public ViewTag(String clusterId, long epoch) {
    this.clusterId = clusterId;
    this.epoch = epoch;
    this.headerLines =
        CLUSTER_HEADER + ": " + clusterId + "\r\n" + EPOCH_HEADER + ": " + epoch + "\r\n";
  }

  public String clusterId() {
    return clusterId;
  }

  public long epoch() {
    return epoch;
  }

  /** Both headers as request-header lines, each ending in CRLF. */
  String headerLines() {
    return headerLines;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ViewTag t && t.epoch == epoch && t.clusterId.equals(clusterId);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(epoch) * 31 + clusterId.hashCode();
  }

  @Override
  public String toString() {
    return clusterId + "@" + epoch;
  }
}
