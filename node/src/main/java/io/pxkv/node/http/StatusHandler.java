package io.pxkv.node.http;

import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.hints.HintService;
import io.pxkv.node.index.NodeIndexes;
import io.pxkv.node.storage.CodecStats;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageStats;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code GET /health} and {@code GET /admin/stats}. Both read in-memory counters only, so they run
 * on the event loop.
 */
public final class StatusHandler {
  private final String nodeId;
  private final StorageEngine engine;
  private final NodeIndexes indexes;
  private final HintService hints;

  public StatusHandler(
      String nodeId, StorageEngine engine, NodeIndexes indexes, HintService hints) {
    this.nodeId = nodeId;
    this.hints = hints;
    this.engine = engine;
    this.indexes = indexes;
  }

  /**
   * 200 while the node takes reads and writes. 503 with the reason once writes are refused (a
   * failed write or fsync): reads are still served, but the node is not healthy.
   */
  public void health(HttpServerRequest request) {
    String failure = engine.writeFailure();
    JsonObject body = new JsonObject().put("node", nodeId);
    if (failure == null) {
      body.put("status", "ok");
      JsonResponses.send(request.response(), 200, body.toBuffer());
    } else {
      body.put("status", "read_only").put("reason", "writes refused: " + failure);
      JsonResponses.send(request.response(), 503, body.toBuffer());
    }
  }

  /** {@code POST /admin/compact}: compacts now and answers with what it did. */
  public void compact(HttpServerRequest request, StorageService storage) {
    storage
        .compact()
        .onSuccess(
            r ->
                JsonResponses.send(
                    request.response(),
                    200,
                    new JsonObject()
                        .put("segmentsIn", r.segmentsIn())
                        .put("segmentsOut", r.segmentsOut())
                        .put("bytesReclaimed", r.bytesReclaimed())
                        .toBuffer()))
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  public void stats(HttpServerRequest request) {
    StorageStats s = engine.stats();
    JsonObject cache =
        new JsonObject()
            .put("hits", s.cacheHits())
            .put("misses", s.cacheMisses())
            .put("evictions", s.cacheEvictions())
            .put("bytes", s.cacheBytes())
            .put("capacityBytes", s.cacheCapacityBytes())
            .put("hitRatio", s.cacheHitRatio());
    JsonObject body =
        new JsonObject()
            .put("node", nodeId)
            .put("keys", s.keys())
            .put("diskBytes", s.diskBytes())
            .put("liveBytes", s.liveBytes())
            .put("segments", s.segments())
            .put("cacheHitRatio", s.cacheHitRatio())
            .put("cache", cache)
            .put("writeFailure", engine.writeFailure())
            .put("recovery", engine.recoveryReport().summary())
            .put("indexes", indexes.status())
            .put("hints", hints.status());
    CodecStats c = engine.codecStats();
    if (c != null) body.put("compression", compression(c)).put("encryption", encryption(c));
    JsonResponses.send(request.response(), 200, body.toBuffer());
  }

  /**
   * Values written since the node started (as given), what compaction's deflate did to the values
   * it tried, and the raw bytes still waiting for it.
   */
  private static JsonObject compression(CodecStats c) {
    return new JsonObject()
        .put("codec", c.compression())
        .put("minBytes", c.compressionMinBytes())
        .put("valuesWritten", c.valuesWritten())
        .put("writtenBytes", c.writtenBytes())
        .put("valuesTried", c.valuesTried())
        .put("valuesCompressed", c.valuesCompressed())
        .put("rawBytes", c.rawBytes())
        .put("storedBytes", c.storedBytes())
        .put("ratio", c.ratio())
        .put("deflateMillis", c.deflateMillis())
        .put("pendingRawBytes", c.pendingRawBytes());
  }

  /** Key ids only, never key bytes; {@code keyIdsOnDisk} shows a rotation's progress. */
  private static JsonObject encryption(CodecStats c) {
    return new JsonObject()
        .put("enabled", c.encryptionKeyId() != null)
        .put("keyId", c.encryptionKeyId())
        .put("keyIdsOnDisk", new JsonArray(c.keyIdsOnDisk()))
        .put("recordsReencrypted", c.recordsReencrypted());
  }
}
