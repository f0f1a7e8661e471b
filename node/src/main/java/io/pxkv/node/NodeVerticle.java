package io.pxkv.node;

import io.pxkv.common.auth.AuthGate;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.HttpCompression;
import io.pxkv.common.http.Requests;
import io.pxkv.common.http.ServerOptions;
import io.pxkv.common.kv.KeyPaths;
import io.pxkv.common.kv.PutBatch;
import io.pxkv.common.metrics.MetricsEndpoint;
import io.pxkv.common.metrics.RequestTimers;
import io.pxkv.node.antientropy.DigestHandler;
import io.pxkv.node.async.StorageService;
import io.pxkv.node.cluster.Membership;
import io.pxkv.node.hints.HintService;
import io.pxkv.node.http.BackupHandler;
import io.pxkv.node.http.HintHandler;
import io.pxkv.node.http.InternalReadHandler;
import io.pxkv.node.http.KeyValueHandler;
import io.pxkv.node.http.MigrationHandler;
import io.pxkv.node.http.PutBatchHandler;
import io.pxkv.node.http.QueryHandler;
import io.pxkv.node.http.ReplicaWriteHandler;
import io.pxkv.node.http.StatusHandler;
import io.pxkv.node.http.StrayPusher;
import io.pxkv.node.http.ViewGate;
import io.pxkv.node.http.ViewHandler;
import io.pxkv.node.index.NodeIndexes;
import io.pxkv.node.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * One event loop's HTTP server for a node. Several instances share the port and the one {@link
 * StorageService}. Routing is a plain switch on the path: for a handful of routes it is clearer and
 * cheaper per request than a general router. With a cluster secret, the {@link AuthGate} refuses
 * every call but {@code /health} that does not carry it, before anything else looks at the call.
 */
public final class NodeVerticle extends VerticleBase {
  private final NodeConfig config;
  private final StorageService storage;
  private final Membership membership;
  private final int port;
  private final NodeMetrics metrics;
  private final NodeIndexes indexes;
  private final HintService hints;
  private HttpServer server;
  private HintHandler hintHandler;
  private QueryHandler queries;
  private KeyValueHandler kv;
  private StatusHandler status;
  private BackupHandler backup;
  private MigrationHandler migration;
  private InternalReadHandler internalReads;
  private ReplicaWriteHandler replicas;
  private DigestHandler digests;
  private PutBatchHandler putBatch;
  private ViewHandler views;
  private StrayPusher strays;
  private RequestTimers requests;
  private MetricsEndpoint scrape;
  private AuthGate gate;

  /**
   * {@code port} is the port to bind; a negative one is a random port shared by all instances.
   * {@code metrics} are shared by every instance.
   */
  public NodeVerticle(
      NodeConfig config,
      StorageService storage,
      Membership membership,
      int port,
      NodeMetrics metrics,
      NodeIndexes indexes,
      HintService hints) {
    this.config = config;
    this.storage = storage;
    this.membership = membership;
    this.port = port;
    this.metrics = metrics;
    this.indexes = indexes;
    this.hints = hints;
  }

  @Override
  public Future<?> start() {
    kv = new KeyValueHandler(storage, config.limits());
    status = new StatusHandler(config.id(), storage.engine(), indexes, hints);
    hintHandler = new HintHandler(hints, config.limits(), config.id());
    queries = new QueryHandler(vertx, indexes, membership);
    backup = new BackupHandler(storage, config.limits());
    migration = new MigrationHandler(storage, config.limits());
    internalReads = new InternalReadHandler(storage);
    replicas = new ReplicaWriteHandler(storage, config.limits());
    digests = new DigestHandler(storage);
    putBatch = new PutBatchHandler(storage, config.limits());
    views = new ViewHandler(vertx, membership);
    strays = new StrayPusher(vertx, storage, membership, config.security().peers());
    gate = AuthGate.node(config.security().clusterSecret());
    requests = metrics.requestTimers();
    scrape = metrics.endpoint(vertx);
    HttpServerOptions options = ServerOptions.http(config.host(), port).setIdleTimeout(0);
    if (config.security().tls() != null) config.security().tls().applyTo(options);
    server = vertx.createHttpServer(options).requestHandler(this::handle);
    return server.listen();
  }

  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    HttpCompression.onRequest(request);
    try {
      requests.begin(request);
      if (!gate.admit(request)) return;
      if (!ViewGate.admit(membership, request)) return;
      String path = request.path();
      if (path.equals("/kv")) {
        kv.handleCollection(request);
      } else if (KeyPaths.isKeyPath(path)) {
        kv.handleItem(request);
      } else if (path.equals(PutBatch.PATH)) {
        putBatch.handle(request);
      } else if (path.equals("/health")) {
        Requests.requireMethod(request, HttpMethod.GET);
        status.health(request);
      } else if (path.equals("/admin/stats")) {
        Requests.requireMethod(request, HttpMethod.GET);
        status.stats(request);
      } else if (path.equals("/admin/compact")) {
        Requests.requireMethod(request, HttpMethod.POST);
        status.compact(request, storage);
      } else if (path.equals("/admin/export")) {
        backup.export(request);
      } else if (path.equals("/admin/import")) {
        backup.importLines(request);
      } else if (path.equals("/internal/replicate")) {
        replicas.replicate(request);
      } else if (path.equals("/internal/hints")) {
        hintHandler.store(request);
      } else if (path.equals("/internal/digest")) {
        digests.digest(request);
      } else if (path.equals("/internal/digest/records")) {
        digests.records(request);
      } else if (path.equals("/internal/import")) {
        migration.importLines(request);
      } else if (path.equals("/internal/handoff")) {
        migration.handoffLines(request);
      } else if (path.equals("/internal/tombstone")) {
        migration.tombstone(request);
      } else if (path.equals("/internal/read")) {
        internalReads.read(request);
      } else if (path.equals("/internal/scan")) {
        internalReads.scan(request);
      } else if (path.equals("/internal/query")) {
        queries.range(request);
      } else if (path.equals("/internal/knn")) {
        queries.knn(request);
      } else if (path.equals("/internal/view")) {
        views.view(request);
      } else if (path.equals("/internal/view/prepare")) {
        views.prepare(request);
      } else if (path.equals("/internal/view/open")) {
        views.open(request);
      } else if (path.equals("/internal/lease")) {
        views.lease(request);
      } else if (path.equals("/internal/push-strays")) {
        strays.push(request);
      } else if (path.equals("/metrics")) {
        scrape.handle(request);
      } else {
        throw Requests.noSuchPath(request);
      }
    } catch (RuntimeException e) {
      ErrorResponses.send(request.response(), e);
    }
  }
}
