package io.pxkv.node.async;

import io.pxkv.node.storage.CompactionResult;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageEngine.Entry;
import io.pxkv.node.storage.StorageEngine.PutResult;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.pxkv.node.storage.StorageEngine.TombstoneResult;
import io.pxkv.node.storage.StorageEngine.Versioned;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The only bridge between the event loop and the storage engine: every call returns a Vert.x {@link
 * Future} completed on the caller's context, and no call blocks the caller.
 *
 * <ul>
 *   <li>Cache hits and misses on absent keys are answered inline (no thread hop).
 *   <li>Disk reads run on the {@code kv-read} worker pool, unordered, so one slow read does not
 *       hold up the others.
 *   <li>Writes are queued to the engine, whose own {@code kv-write} thread appends, fsyncs and
 *       completes them; the result hops back to the caller's event loop. The engine copies a value
 *       on the thread that queues it (values are written as given; compaction deflates them):
 *       writes carrying {@link #OFF_LOOP_BYTES} of values or more are queued from a {@code kv-read}
 *       worker, so the event loop never copies much.
 * </ul>
 */
public final class StorageService {
  /** Positional reads are cheap and parallel; a few threads beyond the cores hide disk latency. */
  private static final int READ_THREADS =
      Math.max(4, Runtime.getRuntime().availableProcessors() * 2);

  /** Writes carrying at least this many value bytes are queued (and copied) off the loop. */
  static final long OFF_LOOP_BYTES = 64 * 1024;

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
    return put(key, value, 0, epoch);
  }

  /** {@link StorageEngine#put} of a value expiring at {@code expiresAt} (0: never). */
  public Future<PutResult> put(String key, byte[] value, long expiresAt, long epoch) {
    WriteListener l = listener;
    try {
      l.check(key, value);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return queued(value.length, () -> engine.put(key, value, expiresAt, epoch))
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
    return putAll(keys, values, null, epoch);
  }

  /**
   * {@link #putAll(List, List, long)}, each value expiring at {@code expiresAt[i]} (null: none). A
   * value the listener refuses (a vector of the wrong length) fails alone, stored nowhere.
   */
  public Future<List<AsyncResult<PutResult>>> putAll(
      List<String> keys, List<byte[]> values, long[] expiresAt, long epoch) {
    WriteListener l = listener;
    List<RuntimeException> refused = new ArrayList<>(keys.size());
    List<String> okKeys = new ArrayList<>(keys.size());
    List<byte[]> okValues = new ArrayList<>(keys.size());
    long[] okExpiry = expiresAt == null ? null : new long[keys.size()];
    long bytes = 0;
    for (int i = 0; i < keys.size(); i++) {
      RuntimeException why = null;
      try {
        l.check(keys.get(i), values.get(i));
        if (okExpiry != null) okExpiry[okKeys.size()] = expiresAt[i];
        okKeys.add(keys.get(i));
        okValues.add(values.get(i));
        bytes += values.get(i).length;
      } catch (RuntimeException e) {
        why = e;
      }
      refused.add(why);
    }
    return queued(bytes, () -> whenAllDone(engine.putAll(okKeys, okValues, okExpiry, epoch)))
        .map(
            queued -> {
              List<AsyncResult<PutResult>> results = new ArrayList<>(keys.size());
              for (int i = 0, q = 0; i < keys.size(); i++) {
                AsyncResult<PutResult> r =
                    refused.get(i) == null
                        ? outcome(queued.get(q++))
                        : Future.failedFuture(refused.get(i));
                if (r.succeeded()) l.applied(keys.get(i), values.get(i), r.result().version());
                results.add(r);
              }
              return results;
            });
  }

  /** Completes with {@code futures} once every one of them is done, failed or not. */
  private static <T> CompletableFuture<List<CompletableFuture<T>>> whenAllDone(
      List<CompletableFuture<T>> futures) {
    // allOf fails if any failed; every one is done either way, and each is reported alone.
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .handle((ignored, failure) -> futures);
  }

  /**
   * Queues a write carrying {@code valueBytes} of values: from this thread when they are few, else
   * from a {@code kv-read} worker (the engine copies values where they are queued); the result
   * comes back on the caller's context either way.
   */
  private <T> Future<T> queued(long valueBytes, Supplier<CompletableFuture<T>> write) {
    if (valueBytes < OFF_LOOP_BYTES) return onCaller(write.get());
    Context caller = vertx.getOrCreateContext();
    return readers
        .executeBlocking(write::get, false)
        .compose(queuedWrite -> Future.fromCompletionStage(queuedWrite, caller));
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
      String key, byte[] valueOrNull, long version, int writer, long expiresAt, long epoch) {
    WriteListener l = listener;
    return queued(
            valueOrNull == null ? 0 : valueOrNull.length,
            () -> engine.importRecord(key, valueOrNull, version, writer, expiresAt, epoch))
        .andThen(
            ar -> {
              if (ar.succeeded() && ar.result()) l.applied(key, valueOrNull, version);
            });
  }

  /** Whether a value expiring at {@code expiresAt} (0: never) has expired by the engine's clock. */
  public boolean expired(long expiresAt) {
    return expiresAt != 0 && StorageEngine.expired(expiresAt, engine.clockMillis());
  }

  /** The expiry of a ttl of {@code seconds} set now, by the engine's clock (0: never). */
  public long expiresAt(long seconds) {
    return io.pxkv.common.kv.Ttl.expiresAt(engine.clockMillis(), seconds);
  }

  /**
   * {@link StorageEngine#importAll}: every record queued at once; completes, in one hop back to the
   * caller, once all are done, with each one's outcome in order.
   */
  public Future<List<AsyncResult<Boolean>>> importAll(List<StoredRecord> records, long epoch) {
    long bytes = 0;
    for (StoredRecord r : records) bytes += r.value() == null ? 0 : r.value().length;
    Future<List<AsyncResult<Boolean>>> done =
        queued(bytes, () -> whenAllDone(engine.importAll(records, epoch)))
            .map(imports -> imports.stream().map(StorageService::outcome).toList());
    return told(records, done, false);
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

  /** {@link StorageEngine#scanStamps}, on a reader thread. */
  public Future<List<StorageEngine.KeyStamp>> scanStamps(
      String after, int limit, Predicate<String> keyFilter) {
    return readers.executeBlocking(() -> engine.scanStamps(after, limit, keyFilter), false);
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
