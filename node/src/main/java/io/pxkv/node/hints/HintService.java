package io.pxkv.node.hints;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.pxkv.node.storage.SyncMode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The event loops' way to the {@link HintStore}: every call runs on the one {@code kv-hints}
 * thread, so appends, fsyncs and delivery reads never block an event loop, and the store is only
 * ever touched by one thread. Appends that arrive while one is being written share the next fsync
 * (group commit); the node's sync mode decides whether a hint is fsynced before it is acknowledged
 * ({@code always}), within the sync interval ({@code interval}) or never ({@code never}), as for
 * its own writes. Every mode has written the bytes before the answer, so a killed process keeps
 * every acknowledged hint.
 */
public final class HintService {
  private record Append(
      String target, String url, List<StoredRecord> records, Promise<Void> done, Context ctx) {}

  private final HintStore store;
  private final SyncMode syncMode;
  private final long syncIntervalMillis;
  private final Vertx vertx;
  private final WorkerExecutor thread;
  private final ConcurrentLinkedQueue<Append> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final java.util.Map<String, String> lastErrors =
      new java.util.concurrent.ConcurrentHashMap<>();
  private long lastSync;
  private volatile boolean unsynced;
  private final long syncTimer;

  public HintService(Vertx vertx, HintStore store, SyncMode syncMode, long syncIntervalMillis) {
    this.vertx = vertx;
    this.store = store;
    this.syncMode = syncMode;
    this.syncIntervalMillis = syncIntervalMillis;
    this.thread = vertx.createSharedWorkerExecutor("kv-hints", 1);
    // In interval mode, hints written since the last fsync get one within the interval even when
    // no further hint comes to carry it.
    this.syncTimer =
        syncMode == SyncMode.INTERVAL
            ? vertx.setPeriodic(syncIntervalMillis, t -> syncIfNeeded())
            : -1;
  }

  private void syncIfNeeded() {
    if (!unsynced) return;
    thread.executeBlocking(
        () -> {
          if (unsynced) {
            unsynced = false;
            store.sync();
            lastSync = System.currentTimeMillis();
          }
          return null;
        },
        false);
  }

  /**
   * Keeps {@code records} as hints for node {@code target} at {@code url}: completes once they are
   * written (and fsynced, per the sync mode); fails with {@code 507 insufficient_storage} when the
   * store is full.
   */
  public Future<Void> append(String target, String url, List<StoredRecord> records) {
    Promise<Void> done = Promise.promise();
    queue.add(new Append(target, url, records, done, vertx.getOrCreateContext()));
    if (draining.compareAndSet(false, true)) {
      thread.executeBlocking(this::drain, false);
    }
    return done.future();
  }

  /** Writes every queued append, then one fsync for all of them; runs on the hints thread. */
  private Void drain() {
    while (true) {
      List<Append> batch = new ArrayList<>();
      for (Append a; (a = queue.poll()) != null; ) batch.add(a);
      if (batch.isEmpty()) {
        draining.set(false);
        // An append queued after the poll, but before the flag was cleared, saw it set.
        if (queue.isEmpty() || !draining.compareAndSet(false, true)) return null;
        continue;
      }
      Throwable[] failed = new Throwable[batch.size()];
      for (int i = 0; i < batch.size(); i++) {
        Append a = batch.get(i);
        try {
          store.append(a.target, a.url, a.records);
        } catch (HintStore.FullException e) {
          failed[i] = new KvException(ErrorCode.INSUFFICIENT_STORAGE, e.getMessage());
        } catch (IOException | RuntimeException e) {
          failed[i] = new KvException(ErrorCode.STORAGE_FAILURE, "cannot keep a hint: " + e);
        }
      }
      Throwable syncFailure = null;
      try {
        long now = System.currentTimeMillis();
        if (syncMode == SyncMode.ALWAYS
            || (syncMode == SyncMode.INTERVAL && now - lastSync >= syncIntervalMillis)) {
          unsynced = false;
          store.sync();
          lastSync = now;
        } else {
          unsynced = syncMode == SyncMode.INTERVAL;
        }
      } catch (IOException e) {
        syncFailure = new KvException(ErrorCode.STORAGE_FAILURE, "cannot fsync hints: " + e);
      }
      for (int i = 0; i < batch.size(); i++) {
        Append a = batch.get(i);
        Throwable f = failed[i] != null ? failed[i] : syncFailure;
        if (f == null) received.addAndGet(a.records.size());
        else if (failed[i] instanceof KvException k && k.code() == ErrorCode.INSUFFICIENT_STORAGE) {
          refused.addAndGet(a.records.size());
        }
        a.ctx.runOnContext(
            v -> {
              if (f == null) a.done.complete();
              else a.done.fail(f);
            });
      }
    }
  }

  /** {@link HintStore#next}, on the hints thread. */
  public Future<HintStore.Batch> next(String target, int max, long bytes) {
    return thread.executeBlocking(() -> store.next(target, max, bytes), false);
  }

  /** {@link HintStore#delivered}, on the hints thread. */
  public Future<Void> delivered(HintStore.Batch batch) {
    return thread
        .executeBlocking(
            () -> {
              store.delivered(batch);
              return null;
            },
            false)
        .onSuccess(v -> delivered.addAndGet(batch.records().size()))
        .mapEmpty();
  }

  /** A handover to {@code target} failed ({@code why}); shown until one succeeds. */
  public void handoverFailed(String target, String why) {
    lastErrors.put(target, why);
  }

  /** A handover to {@code target} succeeded. */
  public void handoverWorked(String target) {
    lastErrors.remove(target);
  }

  /** What is pending for each target, from any thread. */
  public List<HintStore.Pending> pending() {
    return store.pending();
  }

  /** Hints not yet delivered, for every target. */
  public long held() {
    long total = 0;
    for (HintStore.Pending p : store.pending()) total += p.hints();
    return total;
  }

  /** For {@code /admin/stats}: pending hints per target and counters since the node started. */
  public JsonObject status() {
    JsonObject byTarget = new JsonObject();
    long total = 0;
    for (HintStore.Pending p : store.pending()) {
      byTarget.put(
          p.target(),
          new JsonObject()
              .put("hints", p.hints())
              .put("bytes", p.bytes())
              .put("lastError", lastErrors.get(p.target())));
      total += p.hints();
    }
    return new JsonObject()
        .put("pending", total)
        .put("pendingByNode", byTarget)
        .put("bytes", store.bytes())
        .put("received", received.get())
        .put("delivered", delivered.get())
        .put("droppedForAge", store.dropped())
        .put("refusedFull", refused.get())
        .put("tornBytesCut", store.tornBytes());
  }

  /** Closes the store (fsyncing it) once the queued work is done. */
  public Future<Void> close() {
    if (syncTimer >= 0) vertx.cancelTimer(syncTimer);
    return thread
        .executeBlocking(
            () -> {
              store.close();
              return null;
            },
            false)
        .compose(v -> thread.close())
        .mapEmpty();
  }
}
