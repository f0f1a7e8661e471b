package io.pxkv.router.listing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.routing.StaleView;
import io.vertx.core.buffer.Buffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's {@code GET /internal/scan?prefix=P&after=A&limit=N&deleted=1}: its records in {@link
 * io.pxkv.common.kv.KeyOrder#UTF8} order of keys, strictly after {@code A}, as JSON lines ({@link
 * ScanRecord}); every record to the end when no limit is given. Tombstones are asked for only while
 * keys move: once the cluster has settled every key is on one node, and no older copy elsewhere
 * needs hiding.
 */
final class NodeScan {
  private NodeScan() {}

  /**
   * The scan's URI. {@code prefix} "" for every key, {@code after} null from the start, {@code
   * limit} 0 for no limit, {@code deleted} to include tombstones.
   */
  static String uri(String prefix, String after, int limit, boolean deleted) {
    return uri(prefix, after, limit, deleted, null);
  }

  /**
   * As above; {@code match}, unless null, asks the node for the keys matching that glob only (a
   * node that does not know the parameter sends every key: the caller filters again).
   */
  static String uri(String prefix, String after, int limit, boolean deleted, String match) {
    StringBuilder uri = new StringBuilder("/internal/scan");
    char sep = '?';
    if (match != null) {
      uri.append(sep).append("match=").append(URLEncoder.encode(match, StandardCharsets.UTF_8));
      sep = '&';
    }
    if (!prefix.isEmpty()) {
      uri.append(sep).append("prefix=").append(URLEncoder.encode(prefix, StandardCharsets.UTF_8));
      sep = '&';
    }
    if (after != null) {
      uri.append(sep).append("after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
      sep = '&';
    }
    if (limit > 0) {
      uri.append(sep).append("limit=").append(limit);
      sep = '&';
    }
    if (deleted) uri.append(sep).append("deleted=1");
    return uri.toString();
  }

  /** The records of a whole scan answer from {@code node}; a malformed one is that node's fault. */
  static List<ScanRecord> records(NodeClient node, Buffer body) {
    List<ScanRecord> records = new ArrayList<>();
    ScanLines lines = new ScanLines(Long.MAX_VALUE, line -> records.add(parse(node, line)));
    try {
      lines.feed(body);
      lines.end();
    } catch (IllegalArgumentException e) {
      throw malformed(node, e);
    }
    return records;
  }

  /** One line of {@code node}'s scan. */
  static ScanRecord parse(NodeClient node, Buffer line) {
    try {
      return ScanRecord.parse(line);
    } catch (IllegalArgumentException e) {
      throw malformed(node, e);
    }
  }

  /** A scan from {@code node} that is not what the router asked for: the node is broken. */
  static KvException malformed(NodeClient node, Throwable why) {
    if (why instanceof KvException e) return e;
    return new KvException(
        ErrorCode.NODE_UNAVAILABLE,
        "node "
            + node.node().id()
            + " ("
            + node.node().url()
            + ") sent a scan the router cannot use: "
            + why.getMessage());
  }

  /**
   * A node's answer to a scan other than 200: its stale-view refusal ({@link StaleView}, so the
   * listing is routed again), or else a {@code 503} naming the node and what it said.
   */
  static RuntimeException refused(NodeClient node, NodeReply reply) {
    StaleView stale = StaleView.of(node, reply);
    if (stale != null) return stale;
    String said =
        reply.body().length() > 200 ? reply.body().getString(0, 200) : reply.body().toString();
    return new KvException(
        ErrorCode.NODE_UNAVAILABLE,
        "node "
            + node.node().id()
            + " ("
            + node.node().url()
            + ") answered "
            + reply.status()
            + " to a scan: "
            + said);
  }
}
