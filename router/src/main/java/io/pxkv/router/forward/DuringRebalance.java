package io.pxkv.router.forward;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.Headers;
import io.pxkv.common.kv.KvJson;
import io.pxkv.router.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Single-key reads and deletes while keys move between nodes ({@link ClusterView#moving()}). Writes
 * need nothing special: they go to the new owner, and the mover never overwrites a newer version.
 *
 * <ul>
 *   <li>A read that misses on the owner asks every other node that may hold the key and answers
 *       with the newest version found. If none has it, it asks the owner once more: the mover
 *       copies a key to its owner before it removes the original, so a key that was removed from
 *       its old node between the two looks is on the owner by then.
 *   <li>A delete writes a tombstone on the owner even if the key has not arrived there yet (so the
 *       moved copy, older than the tombstone, is refused when it comes) and deletes the key on
 *       every other node that may hold it.
 * </ul>
 *
 * <p>If a node that may hold the key cannot be reached, the answer is a 503 rather than a guess.
 * Runs on the calling event loop.
 */
final class DuringRebalance {
  private DuringRebalance() {}

  /** {@code first} is the owner's answer; {@code ask} sends the same request to another node. */
  static Future<NodeReply> read(
      ClusterView view,
      NodeClient owner,
      Future<NodeReply> first,
      Function<NodeClient, Future<NodeReply>> ask) {
    return first.compose(
        reply -> {
          if (reply.status() != 404) return Future.succeededFuture(reply);
          List<NodeClient> others = view.othersThan(owner);
          List<Future<NodeReply>> answers = new ArrayList<>();
          for (NodeClient other : others) answers.add(ask.apply(other));
          return Future.join(answers)
              .transform(
                  ignored -> {
                    NodeReply newest = null;
                    long newestVersion = Long.MIN_VALUE;
                    KvException unreachable = null;
                    for (int i = 0; i < answers.size(); i++) {
                      Future<NodeReply> a = answers.get(i);
                      if (a.failed()) {
                        unreachable = others.get(i).noteFailure(a.cause());
                      } else if (a.result().status() == 200) {
                        long version = new JsonObject(a.result().body()).getLong("version", 0L);
                        if (version > newestVersion) {
                          newest = a.result();
                          newestVersion = version;
                        }
                      }
                    }
                    if (newest != null) return Future.succeededFuture(newest);
                    if (unreachable != null) return Future.failedFuture(unreachable);
                    return ask.apply(owner);
                  });
        });
  }

  /**
   * A delete of {@code key}: tombstone on the owner, delete on every other node that may hold it.
   */
  static Future<NodeReply> delete(
      ClusterView view,
      NodeClient owner,
      String key,
      Function<NodeClient, Future<NodeReply>> deleteOn) {
    Buffer tombstoneBody =
        Buffer.buffer("{\"key\":").appendBytes(KvJson.quote(key)).appendString("}");
    Future<NodeReply> onOwner =
        owner
            .call(HttpMethod.POST, "/internal/tombstone", "application/json", tombstoneBody)
            .compose(
                r ->
                    r.status() == 200
                        ? Future.succeededFuture(r)
                        : Future.failedFuture(unexpected(owner, r)));
    List<NodeClient> others = view.othersThan(owner);
    List<Future<NodeReply>> elsewhere = new ArrayList<>();
    for (NodeClient other : others) elsewhere.add(deleteOn.apply(other));
    List<Future<NodeReply>> all = new ArrayList<>(elsewhere);
    all.add(onOwner);
    return Future.join(all)
        .transform(
            ignored -> {
              if (onOwner.failed()) return Future.failedFuture(owner.noteFailure(onOwner.cause()));
              for (int i = 0; i < elsewhere.size(); i++) {
                Future<NodeReply> a = elsewhere.get(i);
                if (a.failed()) return Future.failedFuture(others.get(i).noteFailure(a.cause()));
                if (a.result().status() != 200 && a.result().status() != 404) {
                  return Future.failedFuture(unexpected(others.get(i), a.result()));
                }
              }
              JsonObject tombstone = new JsonObject(onOwner.result().body());
              boolean existed = tombstone.getBoolean("existed", false);
              for (Future<NodeReply> a : elsewhere) existed |= a.result().status() == 200;
              if (!existed) return Future.failedFuture(KvException.notFound(key));
              Buffer body =
                  Buffer.buffer("{\"key\":")
                      .appendBytes(KvJson.quote(key))
                      .appendString(",\"deleted\":true,\"version\":")
                      .appendString(String.valueOf(tombstone.getLong("version")))
                      .appendString("}");
              return Future.succeededFuture(
                  new NodeReply(200, Headers.APPLICATION_JSON.toString(), body));
            });
  }

  private static KvException unexpected(NodeClient node, NodeReply reply) {
    return new KvException(
        ErrorCode.NODE_UNAVAILABLE,
        node.node().id() + " answered " + reply.status() + " during a rebalance: " + reply.body());
  }
}
