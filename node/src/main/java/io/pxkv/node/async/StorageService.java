package io.pxkv.node.async;

import io.pxkv.node.storage.CompactionResult;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageEngine.Entry;
import io.pxkv.node.storage.StorageEngine.PutResult;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.pxkv.node.storage.StorageEngine.TombstoneResult;
import io.pxkv.node.storage.StorageEngine.Versioned;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * The only bridge between the event loop and the storage engine: every call returns a Vert.x {@link
 * Future} completed on the caller's context, and no call blocks the caller.
 *
 * <ul>
 *   <li>Cache hits and misses on absent keys are answered inline (no thread hop).
 *   <li>Disk reads run on the {@code kv-read} worker pool, unordered, so one slow read does not
 *       hold up the others.
 *   <li>Writes are queued to the engine, whose own {@code kv-write} thread appends, fsyncs and
 *       completes them; the result hops back to the caller's event loop.
 * </ul>
 */
public final class StorageService {
  /** Positional reads are cheap and parallel; a few threads beyond the cores hide disk latency. */
  private static final int READ_THREADS =
      Math.max(4, Runtime.getRuntime().availableProcessors() * 2);

  private final Vertx vertx;
  private final StorageEngine engine;
  private final WorkerExecutor readers;
  private volatile WriteListener listener = WriteListener.NONE;

  private StorageService(Vertx vertx, StorageEngine engine) {
    this.vertx = vertx;
    this.engine = engine;
    this.readers = vertx.createSharedWorkerExecutor("kv-read", READ_THREADS);
  }

  /** Opens the engine off the event loop (the startup scan can take a while). */
  public static Future<StorageService> open(Vertx vertx, Callable<StorageEngine> opener) {
    return vertx.executeBlocking(opener).map(engine -> new StorageService(vertx, engine));
  }

  public StorageEngine engine() {
    return engine;
  }

  /**
   * Tells {@code next} about every write applied from now on (one listener; the node's indexes).
   */
  public void listen(WriteListener next) {
    listener = next;
  }

  public Future<Optional<Versioned>> get(String key) {
    Optional<Versioned> inMemory = engine.getIfCached(key);
    if (inMemory != null) {
      return Future.succeededFuture(inMemory);
    }
    return readers.executeBlocking(() -> engine.get(key), false);
  }

  /** {@link StorageEngine#readRecord}: the key's value or held tombstone, on a reader thread. */
  public Future<Optional<StoredRecord>> readRecord(String key) {
    Optional<StoredRecord> inMemory = engine.readRecordIfCached(key);
    if (inMemory != null) return Future.succeededFuture(inMemory);
    return readers.executeBlocking(() -> engine.readRecord(key), false);
  }

  /** {@link StorageEngine#put}, tagged {@code epoch} (0: untagged). */
  public Future<PutResult> put(String key, byte[] value, long epoch) {
    WriteListener l = listener;
    try {
      l.check(key, value);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return onCaller(engine.put(key, value, epoch))
        .andThen(
            ar -> {
              if (ar.succeeded()) l.applied(key, value, ar.result().version());
            });
  }

  /**
   * Queues {@code values.size()} puts in order, {@code keys.get(i)} to {@code values.get(i)}, and
   * completes once all are done with each one's result or failure, in the same order. The results
   * come back to the caller's event loop in one hop, where {@link #put} takes one per key.
   */
  public Future<List<AsyncResult<PutResult>>> putAll(
      List<String> keys, List<byte[]> values, long epoch) {
    WriteListener l = listener;
    List<RuntimeException> refused = new java.util.ArrayList<>(keys.size());
    List<String> okKeys = new java.util.ArrayList<>(keys.size());
    List<byte[]> okValues = new java.util.ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      RuntimeException why = null;
      try {
        l.check(keys.get(i), values.get(i));
        okKeys.add(keys.get(i));
        okValues.add(values.get(i));
      } catch (RuntimeException e) {
        why = e;
      }
      refused.add(why);
    }
    List<CompletableFuture<PutResult>> queued = engine.putAll(okKeys, okValues, epoch);
    List<CompletableFuture<PutResult>> puts = new java.util.ArrayList<>(keys.size());
    for (int i = 0, q = 0; i < keys.size(); i++) {
      puts.add(
          refused.get(i) == null
              ? queued.get(q++)
              : CompletableFuture.failedFuture(refused.get(i)));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new));
    // allOf fails if any put failed; every put is done either way, and each is reported alone.
    return onCaller(all.handle((ignored, failure) -> null))
        .map(
            v -> {
              List<AsyncResult<PutResult>> results =
                  puts.stream().map(StorageService::outcome).toList();
              for (int i = 0; i < results.size(); i++) {
                if (results.get(i).succeeded()) {
                  l.applied(keys.get(i), values.get(i), results.get(i).result().version());
                }
              }
              return results;
            });
  }

  /** The outcome of a future that is already complete (so {@code join} does not wait). */
  private static <T> AsyncResult<T> outcome(CompletableFuture<T> done) {
    try {
      return Future.succeededFuture(done.join());
    } catch (CompletionException e) {
      return Future.failedFuture(e.getCause());
    } catch (CancellationException e) {
      return Future.failedFuture(e);
    }
  }

  public Future<Optional<Long>> delete(String key, long epoch) {
    WriteListener l = listener;
    return onCaller(engine.delete(key, epoch))
        .andThen(
            ar -> {
              if (ar.succeeded() && ar.result().isPresent())
                l.applied(key, null, ar.result().get());
            });
  }

  /** {@link StorageEngine#tombstone}: a tombstone whether or not the key is live. */
  public Future<TombstoneResult> tombstone(String key, long epoch) {
    WriteListener l = listener;
    return onCaller(engine.tombstone(key, epoch))
        .andThen(
            ar -> {
              if (ar.succeeded()) l.applied(key, null, ar.result().version());
            });
  }

  /** {@link StorageEngine#importRecord}: completes with whether the record was written. */
  public Future<Boolean> importRecord(
      String key, byte[] valueOrNull, long version, int writer, long epoch) {
    WriteListener l = listener;
    return onCaller(engine.importRecord(key, valueOrNull, version, writer, epoch))
        .andThen(
            ar -> {
              if (ar.succeeded() && ar.result()) l.applied(key, valueOrNull, version);
            });
  }

  /**
   * {@link StorageEngine#importAll}: every record queued at once; completes, in one hop back to the
   * caller, once all are done, with each one's outcome in order.
   */
  public Future<List<AsyncResult<Boolean>>> importAll(List<StoredRecord> records, long epoch) {
    return told(records, allOf(engine.importAll(records, epoch)), false);
  }

  /** {@link StorageEngine#handoffAll}, as {@link #importAll}. */
  public Future<List<AsyncResult<Boolean>>> handoffAll(List<StoredRecord> records, long epoch) {
    return told(records, allOf(engine.handoffAll(records, epoch)), true);
  }

  /** Tells the listener of each record written ({@code gone}: the key left this node). */
  private Future<List<AsyncResult<Boolean>>> told(
      List<StoredRecord> records, Future<List<AsyncResult<Boolean>>> done, boolean gone) {
    WriteListener l = listener;
    return done.andThen(
        ar -> {
          if (ar.failed()) return;
          for (int i = 0; i < records.size(); i++) {
            AsyncResult<Boolean> r = ar.result().get(i);
            if (r.succeeded() && r.result()) {
              StoredRecord rec = records.get(i);
              l.applied(rec.key(), gone ? null : rec.value(), rec.version());
            }
          }
        });
  }

  private <T> Future<List<AsyncResult<T>>> allOf(List<CompletableFuture<T>> futures) {
    CompletableFuture<Void> all =
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
    return onCaller(all.handle((ignored, failure) -> null))
        .map(v -> futures.stream().map(StorageService::outcome).toList());
  }

  /** {@link StorageEngine#handoff}: completes with whether the marker was written. */
  public Future<Boolean> handoff(String key, long version, int writer, long epoch) {
    WriteListener l = listener;
    return onCaller(engine.handoff(key, version, writer, epoch))
        .andThen(
            ar -> {
              if (ar.succeeded() && ar.result()) l.applied(key, null, version);
            });
  }

  /** {@link StorageEngine#fence}: completes with the clock reading. */
  public Future<Long> fence(long epoch) {
    return onCaller(engine.fence(epoch));
  }

  /** {@link StorageEngine#open}. */
  public Future<Void> open(long epoch, long floor) {
    return onCaller(engine.open(epoch, floor));
  }

  /** Starts a compaction now; completes when it is done. */
  public Future<CompactionResult> compact() {
    return onCaller(engine.compact());
  }

  public Future<List<Entry>> scan(String prefix, String after, int limit) {
    return readers.executeBlocking(() -> engine.scan(prefix, after, limit), false);
  }

  /** {@link StorageEngine#scanRecords}, on a reader thread. */
  public Future<List<StoredRecord>> scanRecords(
      String prefix, String after, int limit, boolean includeDeleted, Predicate<String> keyFilter) {
    return readers.executeBlocking(
        () -> engine.scanRecords(prefix, after, limit, includeDeleted, keyFilter), false);
  }

  public Future<Void> close() {
    return readers
        .close()
        .transform(
            ignored ->
                vertx.executeBlocking(
                    () -> {
                      engine.close();
                      return null;
                    }));
  }

  private <T> Future<T> onCaller(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }
}
