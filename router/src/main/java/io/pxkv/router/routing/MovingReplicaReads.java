package io.pxkv.router.routing;

import io.pxkv.common.cluster.ReplicaMoves;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.router.client.NodeClient;
import io.pxkv.router.client.NodeReply;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.cluster.FailureDetector;
import io.pxkv.router.rebalance.MovedKeys;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads of a key whose replica set changes in the move under way ({@link
 * ClusterView#replicasMove}): a copy of it may be on any member of its set under the settled layout
 * or any layout since, and an acknowledged write of an earlier view is on a write quorum of that
 * view's set, not necessarily of the target's.
 *
 * <p>So the read asks {@code GET /internal/read} of every possible holder at once, except the ones
 * outside the target set that the router knows have pushed the key already ({@link MovedKeys}: a
 * node pushes a key to every member of its target set, durably, before it lets it go, so their copy
 * is on every member now). It decides once, in every layout's set, at least R members answered (a
 * pushed one counts: its copy is on the target's members that answered): with R + W > N that
 * includes a member holding the last acknowledged write of that layout, or a target member it was
 * pushed to. The newest (version, then writer) wins; a tombstone or nothing is a 404.
 *
 * <p>One race is left: a node outside the target set that answers "nothing" may have pushed the key
 * and let it go while the target's members were being read, before the copy reached them. Its push
 * was durable on every target member before it let go, so the target's members that answered are
 * asked once more, and the newest of everything wins. Fewer answers than that: {@code 503
 * quorum_not_reached}. No read repair here: the move copies every key to its target set. Runs on
 * the calling event loop.
 */
public final class MovingReplicaReads {
  private final FailureDetector detector;

  public MovingReplicaReads(FailureDetector detector) {
    this.detector = detector;
  }

  /** The newest write of {@code key} and the reply that carried it (absent: no reply). */
  public record Found(ReplicaRead read, NodeReply reply) {
    static final Found NOTHING = new Found(ReplicaRead.ABSENT, null);

    Found newer(Found other) {
      return other.read.newerThan(read) ? other : this;
    }
  }

  /** A GET: the newest write, 404 unless it is a live value. */
  public Future<NodeReply> get(ClusterView view, MovedKeys moved, String key, int r) {
    return newest(view, moved, key, r)
        .map(
            found -> {
              if (found.read().state() != ReplicaRead.State.LIVE) throw KvException.notFound(key);
              NodeReply reply = found.reply();
              return new NodeReply(
                  200, reply.contentType(), NodeAnswers.withoutWriter(reply.body()));
            });
  }

  /** The newest write of {@code key} among its possible holders, as the class describes. */
  public Future<Found> newest(ClusterView view, MovedKeys moved, String key, int r) {
    ReplicaMoves moves = view.moves();
    List<String> target = moves.targetSet(key);
    List<String> pushed = new ArrayList<>();
    Map<String, Future<Found>> asked = new LinkedHashMap<>();
    for (String id : moves.holdersOf(key)) {
      if (!target.contains(id) && moved.isPushed(view.epoch(), id, key)) {
        pushed.add(id);
      } else {
        asked.put(id, readOn(view, view.byId().get(id), key));
      }
    }
    return Future.join(new ArrayList<>(asked.values()))
        .transform(
            ignored -> {
              List<String> answered = new ArrayList<>();
              Found best = Found.NOTHING;
              boolean leftMeanwhile = false;
              String failure = null;
              for (Map.Entry<String, Future<Found>> e : asked.entrySet()) {
                Future<Found> f = e.getValue();
                if (f.failed()) {
                  if (f.cause() instanceof StaleView stale) return Future.failedFuture(stale);
                  failure = f.cause().getMessage();
                  continue;
                }
                answered.add(e.getKey());
                best = best.newer(f.result());
                if (!target.contains(e.getKey())
                    && f.result().read().state() == ReplicaRead.State.ABSENT) {
                  leftMeanwhile = true;
                }
              }
              List<String> counted = new ArrayList<>(answered);
              counted.addAll(pushed);
              List<List<String>> sets = moves.setsOf(key);
              List<Integer> quorums = moves.quorums(r);
              for (int i = 0; i < sets.size(); i++) {
                List<String> set = sets.get(i);
                int need = Math.max(1, Math.min(quorums.get(i), set.size()));
                int in = 0;
                for (String id : set) if (counted.contains(id)) in++;
                if (in < need) return Future.failedFuture(notReached(set, in, need, failure));
              }
              if (!leftMeanwhile) return Future.succeededFuture(best);
              return again(view, key, target, answered, r, best);
            });
  }

  /** Asks the target's members that answered once more; the newest of all wins. */
  private Future<Found> again(
      ClusterView view,
      String key,
      List<String> target,
      List<String> answered,
      int r,
      Found before) {
    List<Future<Found>> reads = new ArrayList<>();
    for (String id : target) {
      if (answered.contains(id)) reads.add(readOn(view, view.byId().get(id), key));
    }
    return Future.join(reads)
        .transform(
            ignored -> {
              Found best = before;
              int ok = 0;
              String failure = null;
              for (Future<Found> f : reads) {
                if (f.failed()) {
                  if (f.cause() instanceof StaleView stale) return Future.failedFuture(stale);
                  failure = f.cause().getMessage();
                  continue;
                }
                ok++;
                best = best.newer(f.result());
              }
              int need = Math.max(1, Math.min(r, target.size()));
              if (ok < need) return Future.failedFuture(notReached(target, ok, need, failure));
              return Future.succeededFuture(best);
            });
  }

  private Future<Found> readOn(ClusterView view, NodeClient node, String key) {
    String uri = "/internal/read?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    return node.call(view.tag(), HttpMethod.GET, uri, null, null)
        .transform(
            ar -> {
              if (ar.failed()) {
                KvException e = node.noteFailure(ar.cause());
                if (detector != null) detector.failed(node.node().id(), e.getMessage());
                return Future.failedFuture(e);
              }
              NodeReply reply = ar.result();
              StaleView stale = StaleView.of(node, reply);
              if (stale != null) return Future.failedFuture(stale);
              try {
                ReplicaRead read = ReplicaRead.of(key, reply);
                return Future.succeededFuture(
                    new Found(read, read.state() == ReplicaRead.State.ABSENT ? null : reply));
              } catch (IllegalArgumentException e) {
                return Future.failedFuture(
                    new KvException(
                        ErrorCode.NODE_UNAVAILABLE,
                        node.node().id()
                            + " answered "
                            + reply.status()
                            + " to a read while keys move"));
              }
            });
  }

  private static KvException notReached(List<String> set, int answered, int need, String why) {
    return new KvException(
        ErrorCode.QUORUM_NOT_REACHED,
        answered
            + " of the replicas "
            + set
            + " answered a read while keys move, "
            + need
            + " needed"
            + (why == null ? "" : " (" + why + ")"));
  }
}
