package io.pxkv.node.cluster;

import io.pxkv.common.cluster.ClusterState;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.node.cluster.ViewStore.Stored;
import io.pxkv.node.storage.StorageEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * This node's place in its cluster: which cluster it belongs to, the view it prepared (it refuses
 * writes of older views) and the view it serves. Routers change it in two steps, {@link #prepare}
 * then {@link #open}; both are durable ({@link ViewStore}) before they are acknowledged and are
 * applied to the storage engine's write gate ({@link StorageEngine#fence}, {@link
 * StorageEngine#open}), which orders them with every write. A restart re-applies both before the
 * node serves.
 *
 * <p>Why the two steps keep versions in order: once every node that may hold keys has prepared view
 * E, none takes a write of an older view, and each reported a clock reading above every version it
 * issued; view E opens with the largest reading as its floor, and each node raises its clock to the
 * floor first, so every write of view E outranks every write before it on any node.
 *
 * <p>Thread-safe: reads of the current state are lock-free (a volatile snapshot); changes run one
 * at a time on a thread of their own, {@code kv-view}, since they write a file and wait for the
 * engine.
 */
public final class Membership implements AutoCloseable {
  private final String nodeId;
  private final ViewStore store;
  private final StorageEngine engine;
  private final ExecutorService changes;
  private final CoordinatorLease lease = new CoordinatorLease();
  private volatile Stored stored;
  private volatile ClusterState.Placement placement;

  private Membership(String nodeId, ViewStore store, StorageEngine engine, Stored stored) {
    this.nodeId = nodeId;
    this.store = store;
    this.engine = engine;
    this.stored = stored;
    this.placement = stored.open() == null ? null : stored.open().placement();
    this.changes =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "kv-view");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Loads what the node stored of its cluster and re-applies it to {@code engine}'s write gate.
   * Blocking: run it before the node serves.
   */
  public static Membership open(String nodeId, Path dataDir, StorageEngine engine)
      throws IOException {
    ViewStore store = new ViewStore(dataDir);
    Stored stored = store.load();
    if (stored.prepared() != null) engine.fence(stored.prepared().epoch()).join();
    if (stored.open() != null) {
      engine.open(stored.open().epoch(), stored.open().floor()).join();
      engine.holdTombstones(stored.open().moving());
    }
    return new Membership(nodeId, store, engine, stored);
  }

  /** Which router may change this node's view. */
  public CoordinatorLease lease() {
    return lease;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The cluster this node belongs to, or null before a router brought it into one. */
  public String clusterId() {
    return stored.clusterId();
  }

  /** The view this node serves, or null. */
  public ClusterState openState() {
    return stored.open();
  }

  /** Where keys go under the view this node serves, or null. */
  public ClusterState.Placement placement() {
    return placement;
  }

  public long openEpoch() {
    ClusterState open = stored.open();
    return open == null ? 0 : open.epoch();
  }

  public long preparedEpoch() {
    ClusterState prepared = stored.prepared();
    return prepared == null ? openEpoch() : Math.max(openEpoch(), prepared.epoch());
  }

  /** What {@code GET /internal/view} answers: the node's id and everything stored. */
  public io.vertx.core.json.JsonObject toJson() {
    return stored.toJson().put("node", nodeId);
  }

  /**
   * Stores {@code state} as the view to come and stops taking writes of older views. Completes with
   * the engine's clock reading, larger than every version this node issued or holds. Refused with
   * {@code wrong_cluster} when the state names another cluster or does not name this node, and with
   * {@code stale_view} when a newer or different view of the same epoch was prepared already.
   */
  public CompletableFuture<Long> prepare(String forNode, ClusterState state) {
    return CompletableFuture.supplyAsync(
            () -> {
              Stored now = stored;
              checkNode(forNode);
              if (now.clusterId() != null && !now.clusterId().equals(state.clusterId())) {
                throw wrongCluster(now.clusterId(), state.clusterId());
              }
              if (state.holder(nodeId) == null) {
                throw new KvException(
                    ErrorCode.WRONG_CLUSTER,
                    "node " + nodeId + " is not one of the nodes of view " + state.epoch());
              }
              long prepared = now.prepared() == null ? 0 : now.prepared().epoch();
              // The same view again (a router retrying, or bringing a lagging node up with the
              // floor it already chose) is fine; any other view must be newer.
              boolean again =
                  state.epoch() == prepared
                      && state.withFloor(0).equals(now.prepared().withFloor(0));
              if (state.epoch() <= Math.max(prepared, openEpoch()) && !again) {
                throw stale(
                    "view "
                        + state.epoch()
                        + " is older than view "
                        + preparedEpoch()
                        + " this node prepared already");
              }
              if (!again) save(new Stored(state.clusterId(), state, now.open()));
              return engine.fence(state.epoch()).join();
            },
            changes)
        .exceptionallyCompose(Membership::unwrap);
  }

  /**
   * Serves the prepared view {@code epoch} from now on, after raising the clock to {@code floor}.
   * Opening the view already open is a no-op.
   */
  public CompletableFuture<Void> open(String forNode, long epoch, long floor) {
    return CompletableFuture.runAsync(
            () -> {
              Stored now = stored;
              checkNode(forNode);
              if (now.open() != null
                  && now.open().epoch() == epoch
                  && now.open().floor() == floor) {
                return;
              }
              if (now.prepared() == null || now.prepared().epoch() != epoch) {
                throw stale(
                    "view " + epoch + " was not prepared here (prepared: " + preparedEpoch() + ")");
              }
              ClusterState opened = now.prepared().withFloor(floor);
              save(new Stored(now.clusterId(), now.prepared(), opened));
              engine.open(epoch, floor).join();
              placement = opened.placement();
              engine.holdTombstones(opened.moving());
            },
            changes)
        .exceptionallyCompose(Membership::unwrap);
  }

  private void checkNode(String forNode) {
    if (forNode != null && !forNode.equals(nodeId)) {
      throw new KvException(
          ErrorCode.WRONG_CLUSTER,
          "this node is " + nodeId + ", not " + forNode + ": check the cluster file");
    }
  }

  private void save(Stored next) {
    try {
      store.save(next);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    stored = next;
  }

  static KvException wrongCluster(String mine, String theirs) {
    return new KvException(
        ErrorCode.WRONG_CLUSTER,
        "this node belongs to cluster '" + mine + "', not '" + theirs + "'");
  }

  private static KvException stale(String why) {
    return new KvException(ErrorCode.STALE_VIEW, why);
  }

  private static <T> CompletableFuture<T> unwrap(Throwable t) {
    Throwable cause = t;
    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return CompletableFuture.failedFuture(cause);
  }

  @Override
  public void close() {
    changes.shutdown();
  }
}
