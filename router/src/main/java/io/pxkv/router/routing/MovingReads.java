package io.pxkv.router.routing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.Headers;
import io.pxkv.common.kv.KvJson;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.rebalance.MovedKeys;
import io.pxkv.router.routing.NodeAnswers.Held;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads and deletes of a key that may sit on more than one node while keys move ({@link
 * ClusterView#holdersOf} names more than its owner). Writes need nothing special: they go to the
 * owner, and a moved copy never overwrites a newer version.
 *
 * <p>Why the answers are right: a key's writes only ever land on its owner of the moment, and a
 * move copies a key to its owner in the target before the old node lets go of it, so the newest
 * state of the key (a value or a tombstone) is always on one of its possible holders. Every write
 * of this view has a larger version than any write of an earlier one (the view's floor), so:
 *
 * <ul>
 *   <li>A read asks the owner first ({@code GET /internal/read}, which also reports a tombstone).
 *       With a single change since the cluster settled, what the owner holds is the newest: either
 *       a write of this view or a copy of the old node's, which takes no writes any more. Otherwise
 *       the other holders are asked at once and the newest (version, then writer) wins; a tombstone
 *       means 404. If nobody holds it, the owner is asked once more: a copy may have landed there
 *       and left its old node between the two looks.
 *   <li>A delete writes a tombstone on the owner ({@code POST /internal/tombstone}), whether or not
 *       the key has reached it, so a copy still on its way is refused when it comes; the other
 *       holders are read at the same time, and the answer is 200 if the newest state before the
 *       delete was a value, else 404.
 * </ul>
 *
 * A holder that cannot be reached makes the answer a 503 rather than a guess. Runs on the calling
 * event loop.
 */
public final class MovingReads {
  private MovingReads() {}

  /**
   * Whether every node but the owner that may hold {@code key} has pushed it to the owner already,
   * with one change since the cluster settled: then the owner alone has the answer, as if nothing
   * moved, and the read goes to it as a plain one.
   */
  public static boolean ownerAlone(
      ClusterView view, MovedKeys moved, String key, List<NodeClient> holders) {
    if (view.placement().layoutCount() != 2) return false;
    for (int i = 1; i < holders.size(); i++) {
      if (!moved.isPushed(view.epoch(), holders.get(i).node().id(), key)) return false;
    }
    return true;
  }

  /**
   * A read of a key that may sit on its owner or on one old node ({@code holders}: owner, old node;
   * one change since the cluster settled), as the client's own request ({@code send}) to both at
   * once: the owner's value is the newest if it has one (the old node takes no writes any more); a
   * tombstone there means 404; if the owner has neither, the old node's answer stands. Plain reads
   * on both sides: a node answers them from its cache.
   */
  public static Future<NodeReply> readOwnerOrOld(
      String key, List<NodeClient> holders, Function<NodeClient, Future<NodeReply>> send) {
    NodeClient owner = holders.get(0);
    NodeClient old = holders.get(1);
    Future<NodeReply> fromOwner = plain(owner, send);
    Future<NodeReply> fromOld = plain(old, send);
    return Future.all(fromOwner, fromOld)
        .compose(
            done -> {
              NodeReply o = fromOwner.result();
              if (o.status() != 404) return Future.succeededFuture(o);
              if (NodeAnswers.held(o).state() == Held.State.DELETED) {
                return Future.failedFuture(KvException.notFound(key));
              }
              NodeReply p = fromOld.result();
              if (p.status() == 200) return Future.succeededFuture(p);
              // Neither had it: it may have reached the owner after the owner's answer and left
              // the old node before the old node's.
              return plain(owner, send)
                  .map(
                      again -> {
                        if (again.status() == 404) throw KvException.notFound(key);
                        return again;
                      });
            });
  }

  private static Future<NodeReply> plain(
      NodeClient node, Function<NodeClient, Future<NodeReply>> send) {
    return send.apply(node)
        .map(reply -> StaleView.check(node, reply))
        .recover(e -> Future.failedFuture(e instanceof StaleView ? e : node.noteFailure(e)));
  }

  public static Future<NodeReply> read(ClusterView view, String key, List<NodeClient> holders) {
    return newest(view, key, holders).map(read -> answer(key, read));
  }

  /**
   * The newest state of {@code key} among {@code holders} (its owner first), found as {@link #read}
   * describes; the reply is the {@code /internal/read} answer of the node that has it.
   */
  public static Future<Read> newest(ClusterView view, String key, List<NodeClient> holders) {
    String uri = "/internal/read?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    NodeClient owner = holders.get(0);
    List<Future<Read>> all = new ArrayList<>(holders.size());
    for (NodeClient h : holders) all.add(readOn(view, h, uri));
    return Future.all(all)
        .compose(
            done -> {
              Read newest = all.get(0).result();
              for (int i = 1; i < all.size(); i++) {
                Read r = all.get(i).result();
                if (r.held().newerThan(newest.held())) newest = r;
              }
              if (newest.held().state() != Held.State.ABSENT) {
                return Future.succeededFuture(newest);
              }
              // Nobody had it: it may have reached the owner after the owner's answer and left
              // its old node before the old node's.
              return readOn(view, owner, uri);
            });
  }

  public static Future<NodeReply> delete(ClusterView view, String key, List<NodeClient> holders) {
    String uri = "/internal/read?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    NodeClient owner = holders.get(0);
    Buffer body = Buffer.buffer("{\"key\":").appendBytes(KvJson.quote(key)).appendString("}");
    Future<JsonObject> tombstone =
        owner
            .call(view.tag(), HttpMethod.POST, "/internal/tombstone", "application/json", body)
            .map(reply -> ok(owner, reply))
            .map(reply -> new JsonObject(reply.body()));
    List<Future<Read>> others = new ArrayList<>();
    for (int i = 1; i < holders.size(); i++) others.add(readOn(view, holders.get(i), uri));
    List<Future<?>> all = new ArrayList<>(others);
    all.add(tombstone);
    return Future.all(all)
        .map(
            done -> {
              JsonObject t = tombstone.result();
              Held before = previous(t.getJsonObject("previous"));
              for (Future<Read> f : others) {
                if (f.result().held().newerThan(before)) before = f.result().held();
              }
              if (before.state() != Held.State.LIVE) throw KvException.notFound(key);
              Buffer deleted =
                  Buffer.buffer("{\"key\":")
                      .appendBytes(KvJson.quote(key))
                      .appendString(",\"deleted\":true,\"version\":")
                      .appendString(Long.toString(t.getLong("version")))
                      .appendString("}");
              return new NodeReply(200, Headers.APPLICATION_JSON.toString(), deleted);
            });
  }

  /** One node's read of the key: what it holds, and its reply. */
  public record Read(Held held, NodeReply reply) {}

  private static Future<Read> readOn(ClusterView view, NodeClient node, String uri) {
    return node.call(view.tag(), HttpMethod.GET, uri, null, null)
        .map(
            reply -> {
              StaleView.check(node, reply);
              if (reply.status() != 200 && reply.status() != 404) throw unexpected(node, reply);
              try {
                return new Read(NodeAnswers.held(reply), reply);
              } catch (IllegalArgumentException e) {
                throw unexpected(node, reply);
              }
            })
        .recover(e -> Future.failedFuture(e instanceof StaleView ? e : node.noteFailure(e)));
  }

  private static NodeReply answer(String key, Read read) {
    if (read.held().state() != Held.State.LIVE) {
      throw KvException.notFound(key);
    }
    NodeReply r = read.reply();
    return new NodeReply(200, r.contentType(), NodeAnswers.withoutWriter(r.body()));
  }

  /** What the owner held before its tombstone, from the tombstone call's {@code previous}. */
  private static Held previous(JsonObject p) {
    if (p == null) return Held.ABSENT;
    Held.State state = p.getBoolean("deleted", false) ? Held.State.DELETED : Held.State.LIVE;
    return new Held(state, p.getLong("version", 0L), (int) (long) p.getLong("writer", 0L));
  }

  private static NodeReply ok(NodeClient node, NodeReply reply) {
    StaleView.check(node, reply);
    if (reply.status() != 200) throw unexpected(node, reply);
    return reply;
  }

  private static KvException unexpected(NodeClient node, NodeReply reply) {
    return new KvException(
        ErrorCode.NODE_UNAVAILABLE,
        node.node().id() + " answered " + reply.status() + " while keys move: " + reply.body());
  }
}
