package io.pxkv.router.forward;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.Cursors;
import io.pxkv.router.cluster.ClusterView;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Where a paged cluster listing stands: the node being walked (by id, so a reordered config cannot
 * skip or repeat a node) and that node's own opaque cursor, absent at the node's start. Sent to
 * clients as base64url of {@code {"n":"node-2","c":"..."}}; to them it is opaque.
 */
record RouterCursor(String nodeId, String nodeCursor) {

  String encode() {
    JsonObject json = new JsonObject().put("n", nodeId);
    if (nodeCursor != null) {
      json.put("c", nodeCursor);
    }
    return Cursors.encode(json.encode());
  }

  /** The index of the cursor's node in {@code view}; a cursor naming no current node is bad. */
  int nodeIndex(ClusterView view) {
    int index = view.indexOf(nodeId);
    if (index < 0) {
      throw invalid();
    }
    return index;
  }

  /** Decodes a cursor this router gave out; anything else is {@code 400 invalid_cursor}. */
  static RouterCursor decode(String raw) {
    JsonObject json;
    try {
      json = new JsonObject(Cursors.decode(raw));
    } catch (DecodeException | ClassCastException e) {
      throw invalid();
    }
    if (!(json.getValue("n") instanceof String node) || node.isEmpty()) {
      throw invalid();
    }
    Object c = json.getValue("c");
    if (c != null && !(c instanceof String)) {
      throw invalid();
    }
    return new RouterCursor(node, (String) c);
  }

  private static KvException invalid() {
    return new KvException(ErrorCode.INVALID_CURSOR, "cursor is not one this router gave out");
  }
}
