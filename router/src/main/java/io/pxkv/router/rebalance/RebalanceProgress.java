package io.pxkv.router.rebalance;

import io.vertx.core.json.JsonObject;

/**
 * Counters of one rebalance, for {@code GET /admin/rebalance} and the periodic log line. Confined
 * to the rebalancer's event loop.
 */
final class RebalanceProgress {
  private final long startedAtMillis = System.currentTimeMillis();
  private long estimatedKeys;
  private long totalKeys;
  long keysScanned;
  long keysMoved;
  long bytesMoved;
  long keysAlreadyNewer;
  int nodesDone;
  int nodesTotal;
  String currentNode;
  String lastError;

  RebalanceProgress(long estimatedKeys, long totalKeys, int nodesTotal) {
    this.estimatedKeys = estimatedKeys;
    this.totalKeys = totalKeys;
    this.nodesTotal = nodesTotal;
  }

  /** What is known of the sizes, once the nodes answered (-1 before). */
  void estimate(long keysToMove, long keysOnHolders) {
    this.estimatedKeys = keysToMove;
    this.totalKeys = keysOnHolders;
  }

  double keysPerSecond() {
    double seconds = Math.max(0.001, (System.currentTimeMillis() - startedAtMillis) / 1000.0);
    return keysMoved / seconds;
  }

  /** Seconds left at the current rate, from the estimate of keys to move; -1 when unknown. */
  long etaSeconds() {
    double rate = keysPerSecond();
    if (rate <= 0 || estimatedKeys < 0) return -1;
    return Math.max(0, Math.round((estimatedKeys - keysMoved) / rate));
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("startedAt", java.time.Instant.ofEpochMilli(startedAtMillis).toString())
        .put("keysScanned", keysScanned)
        .put("keysToScan", totalKeys)
        .put("keysMoved", keysMoved)
        .put("keysToMoveEstimate", estimatedKeys)
        .put("keysAlreadyNewerOnOwner", keysAlreadyNewer)
        .put("bytesMoved", bytesMoved)
        .put("nodesDone", nodesDone)
        .put("nodesTotal", nodesTotal)
        .put("currentNode", currentNode)
        .put("keysPerSecond", Math.round(keysPerSecond()))
        .put("etaSeconds", etaSeconds())
        .put("lastError", lastError);
  }

  String logLine() {
    return String.format(
        "rebalance: moved %d of ~%d keys (%d bytes), scanned %d of %d, node %d/%d (%s), %.0f keys/s, eta %ds%s",
        keysMoved,
        estimatedKeys,
        bytesMoved,
        keysScanned,
        totalKeys,
        Math.min(nodesDone + 1, nodesTotal),
        nodesTotal,
        currentNode,
        keysPerSecond(),
        etaSeconds(),
        lastError == null ? "" : ", last error: " + lastError);
  }
}
