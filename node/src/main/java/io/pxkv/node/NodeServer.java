package io.pxkv.node;

import io.pxkv.common.http.ServerOptions;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.cluster.Membership;
import io.pxkv.node.hints.HintDelivery;
import io.pxkv.node.hints.HintService;
import io.pxkv.node.hints.HintStore;
import io.pxkv.node.http.QueryHandler;
import io.pxkv.node.index.NodeIndexes;
import io.pxkv.node.metrics.NodeMetrics;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageFiles;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running node: the storage opened once, its cluster membership loaded (and applied to the
 * storage's write gate) before anything is served, then {@link NodeConfig#instances} {@link
 * NodeVerticle}s, one per event loop, sharing them and one listening port.
 */
public final class NodeServer {
  private final Vertx vertx;
  private final StorageService storage;
  private final Membership membership;
  private final int port;
  private final String deploymentId;
  private final NodeIndexes indexes;
  private final long indexSync;
  private final HintService hints;
  private final HintDelivery handover;

  /** How often the indexes are matched to the view when no query does it first. */
  private static final long INDEX_SYNC_MS = 500;

  private NodeServer(
      Vertx vertx,
      StorageService storage,
      Membership membership,
      int port,
      String deploymentId,
      NodeIndexes indexes,
      long indexSync,
      HintService hints,
      HintDelivery handover) {
    this.vertx = vertx;
    this.hints = hints;
    this.handover = handover;
    this.indexes = indexes;
    this.indexSync = indexSync;
    this.storage = storage;
    this.membership = membership;
    this.port = port;
    this.deploymentId = deploymentId;
  }

  public static Future<NodeServer> start(Vertx vertx, NodeConfig config) {
    NodeMetrics metrics = NodeMetrics.create(config.metrics());
    return start(
        vertx,
        config,
        () -> StorageEngines.open(config.storage(), metrics.files(StorageFiles.DISK)),
        metrics);
  }

  /** Starts a node on the engine {@code opener} returns (tests pass one with injected faults). */
  public static Future<NodeServer> start(
      Vertx vertx, NodeConfig config, Callable<StorageEngine> opener) {
    return start(vertx, config, opener, NodeMetrics.create(config.metrics()));
  }

  /**
   * Starts a node on the engine {@code opener} returns, measured by {@code metrics} (which should
   * have given the engine its {@link NodeMetrics#files}).
   */
  public static Future<NodeServer> start(
      Vertx vertx, NodeConfig config, Callable<StorageEngine> opener, NodeMetrics metrics) {
    int bindPort = ServerOptions.listenPort(config.port());
    List<NodeVerticle> deployed = new CopyOnWriteArrayList<>();
    return StorageService.open(vertx, opener)
        .compose(
            storage ->
                vertx
                    .executeBlocking(
                        () ->
                            Membership.open(
                                config.id(), config.storage().dataDir(), storage.engine()))
                    .compose(
                        membership ->
                            vertx
                                .executeBlocking(
                                    () ->
                                        HintStore.open(
                                            config.storage().dataDir(),
                                            HintStore.Limits.DEFAULT,
                                            System::currentTimeMillis))
                                .onFailure(t -> membership.close())
                                .map(store -> new Object[] {membership, store}))
                    .compose(
                        opened -> {
                          Membership membership = (Membership) opened[0];
                          HintService hints =
                              new HintService(
                                  vertx,
                                  (HintStore) opened[1],
                                  config.storage().syncMode(),
                                  config.storage().syncIntervalMillis());
                          metrics.watch(storage.engine());
                          NodeIndexes indexes = new NodeIndexes(storage.engine());
                          storage.listen(indexes);
                          // Built in the background: the node serves at once.
                          QueryHandler.sync(indexes, membership);
                          return vertx
                              .deployVerticle(
                                  () -> {
                                    NodeVerticle v =
                                        new NodeVerticle(
                                            config,
                                            storage,
                                            membership,
                                            bindPort,
                                            metrics,
                                            indexes,
                                            hints);
                                    deployed.add(v);
                                    return v;
                                  },
                                  new DeploymentOptions().setInstances(config.instances()))
                              .map(
                                  id -> {
                                    storage.engine().startDeferredWork();
                                    long sync =
                                        vertx.setPeriodic(
                                            INDEX_SYNC_MS,
                                            t -> QueryHandler.sync(indexes, membership));
                                    HintDelivery handover =
                                        new HintDelivery(
                                            vertx, hints, membership, config.security().peers());
                                    handover.start();
                                    return new NodeServer(
                                        vertx,
                                        storage,
                                        membership,
                                        deployed.get(0).actualPort(),
                                        id,
                                        indexes,
                                        sync,
                                        hints,
                                        handover);
                                  });
                        })
                    .recover(t -> storage.close().transform(ignored -> Future.failedFuture(t))));
  }

  public int port() {
    return port;
  }

  public StorageService storage() {
    return storage;
  }

  public Membership membership() {
    return membership;
  }

  public NodeIndexes indexes() {
    return indexes;
  }

  /** The hints this node holds for other nodes. */
  public HintService hints() {
    return hints;
  }

  /** Stops serving, then closes the storage (which flushes and fsyncs what it holds). */
  public Future<Void> close() {
    vertx.cancelTimer(indexSync);
    indexes.close();
    return vertx
        .undeploy(deploymentId)
        .transform(ignored -> handover.stop())
        .transform(ignored -> hints.close())
        .transform(
            ignored -> {
              membership.close();
              return storage.close();
            });
  }
}
