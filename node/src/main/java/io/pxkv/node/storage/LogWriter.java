package io.pxkv.node.storage;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.node.storage.StorageEngine.PutResult;
import io.pxkv.node.storage.StorageEngine.TombstoneResult;
import io.pxkv.node.storage.WriteOp.Delete;
import io.pxkv.node.storage.WriteOp.Fence;
import io.pxkv.node.storage.WriteOp.Handoff;
import io.pxkv.node.storage.WriteOp.Import;
import io.pxkv.node.storage.WriteOp.Open;
import io.pxkv.node.storage.WriteOp.Put;
import io.pxkv.node.storage.WriteOp.Roll;
import io.pxkv.node.storage.WriteOp.Stop;
import io.pxkv.node.storage.WriteOp.Tagged;
import io.pxkv.node.storage.WriteOp.Tombstone;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The single writer of a disk engine, running on its own thread {@code kv-write}. Callers queue
 * {@link WriteOp}s from any thread ({@link WriteQueue}); the writer drains everything queued,
 * decides each op ({@link WriteRules}, the {@link WriteGate}), has the {@link SegmentAppender}
 * append the batch with one {@code write()} and fsync it once per the {@link SyncMode} (group
 * commit), and only then updates the key directory and completes the futures ({@link BatchWrites}).
 * This class is the one place where a write, delete, import or handoff of the disk engine is
 * applied.
 *
 * <p>Failure rule: if a write or fsync throws, no future of that batch succeeds and the writer
 * stops taking writes for good ({@link #failure()}); the key directory never saw the batch, so
 * readers go on seeing exactly what was acknowledged before.
 *
 * <p>Everything but {@link #submit}, {@link #submitAll}, {@link #failure}, {@link #active} and
 * {@link #close} is confined to {@code kv-write}.
 */
final class LogWriter implements Runnable {
  private static final int MAX_BATCH = 4096;

  private final KeyDirectory keydir;
  private final HybridClock clock;
  private final int writerId;
  private final WriteGate gate = new WriteGate();
  private final WriteQueue queue = new WriteQueue();
  private final SegmentAppender appender;
  private volatile String failure;

  /** Set by a fence in the batch being decided: that batch is fsynced whatever the sync mode. */
  private boolean syncNow;

  /**
   * {@code active} must be a segment of the current format, {@code firstSeq} larger than every seq
   * (and format-1 version) on disk.
   */
  LogWriter(
      Path dir,
      StorageFiles files,
      KeyDirectory keydir,
      HybridClock clock,
      StorageOptions options,
      Segment active,
      long firstSeq,
      AtomicInteger nextId,
      Runnable onRoll,
      RecordCipher cipher)
      throws IOException {
    this.keydir = keydir;
    this.clock = clock;
    this.writerId = options.writerId();
    this.appender =
        new SegmentAppender(
            dir,
            files,
            options,
            active,
            firstSeq,
            nextId,
            () -> failure != null,
            why -> failure = why,
            keydir::addSegment,
            onRoll,
            cipher);
  }

  /** The segment being appended to. */
  Segment active() {
    return appender.active();
  }

  String failure() {
    return failure;
  }

  /** Queues {@code op}, or fails its future at once if the writer is stopped or closed. */
  void submit(WriteOp op) {
    submitAll(List.of(op));
  }

  /**
   * Queues {@code ops} in order and wakes the writer once for all of them, or fails their futures
   * at once if the writer is stopped or closed.
   */
  void submitAll(List<? extends WriteOp> ops) {
    if (failure == null && queue.offerAll(ops)) return;
    KvException error = queue.isClosed() ? closedError() : refusedError();
    for (WriteOp op : ops) fail(op, error);
  }

  /** Stops after every write queued so far; the future completes when the files are closed. */
  CompletableFuture<Void> close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!queue.close(new Stop(done))) return done.completeAsync(() -> null);
    return done;
  }

  @Override
  public void run() {
    queue.bindTaker();
    appender.start();
    List<WriteOp> batch = new ArrayList<>();
    while (true) {
      WriteOp first = nextOp();
      if (first == null) {
        appender.syncIfDue();
        continue;
      }
      batch.add(first);
      for (WriteOp op; batch.size() < MAX_BATCH && (op = queue.poll()) != null; ) batch.add(op);
      Stop stop = process(batch);
      batch.clear();
      if (stop != null) {
        finish(stop);
        return;
      }
    }
  }

  /**
   * The next op, or null once the INTERVAL deadline passes with unsynced bytes pending (or on a
   * spurious wake-up: the caller just asks again).
   */
  private WriteOp nextOp() {
    WriteOp op = queue.poll();
    if (op != null) return op;
    long wait = appender.nanosUntilSyncDue();
    if (wait == 0) return null;
    return queue.await(wait < 0 ? 0 : wait);
  }

  /** Appends, syncs, applies and acknowledges one batch; returns the Stop op if it held one. */
  private Stop process(List<WriteOp> batch) {
    BatchWrites writes = new BatchWrites(keydir);
    Stop stop = null;
    try {
      for (WriteOp op : batch) {
        if (op instanceof Stop s) {
          stop = s;
        } else if (stop != null || failure != null) {
          fail(op, failure != null ? refusedError() : closedError());
        } else {
          decide(op, writes);
        }
      }
      appender.commit(syncNow);
      syncNow = false;
    } catch (IOException | RuntimeException e) {
      failure = "write failed: " + e;
      KvException error =
          new KvException(
              ErrorCode.INSUFFICIENT_STORAGE,
              "the write failed and the node stopped taking writes: " + e,
              e);
      for (WriteOp op : batch) {
        if (op instanceof Stop s) {
          stop = s; // a stop still closes the files: finish() answers it
        } else {
          fail(op, error);
        }
      }
      return stop;
    }
    writes.apply();
    writes.ackAll();
    return stop;
  }

  /** Decides one op by the gate and the {@link WriteRules}, appending what it writes. */
  private void decide(WriteOp op, BatchWrites writes) throws IOException {
    if (op instanceof Tagged t && !gate.admits(t.epoch())) {
      fail(op, gate.refusal(t.epoch()));
    } else if (op instanceof Put p) {
      boolean created = isAbsent(writes.live(p.key()));
      long version = clock.next();
      KeyDirEntry e =
          appender.append(
              RecordKind.PUT, p.key(), p.value(), p.codec(), version, writerId, p.expiresAt());
      writes.wrote(
          p.key(), e, RecordKind.PUT, () -> p.future().complete(new PutResult(version, created)));
    } else if (op instanceof Delete d) {
      // An expired value is absent: deleting it writes nothing, as for a key never written.
      if (!WriteRules.deletes(writes.current(d.key())) || isAbsent(writes.live(d.key()))) {
        writes.nothing(() -> d.future().complete(Optional.empty()));
        return;
      }
      long version = clock.next();
      KeyDirEntry e = appender.append(RecordKind.DELETE, d.key(), null, version, writerId);
      writes.wrote(d.key(), e, RecordKind.DELETE, () -> d.future().complete(Optional.of(version)));
    } else if (op instanceof Import i) {
      // Observed even when skipped: no later local write may get a version at or below one this
      // node has been shown.
      clock.observe(i.version());
      if (!WriteRules.imports(i.version(), i.writer(), writes.current(i.key()))) {
        writes.nothing(() -> i.future().complete(false));
        return;
      }
      RecordKind kind = i.value() == null ? RecordKind.DELETE : RecordKind.PUT;
      KeyDirEntry e =
          appender.append(
              kind, i.key(), i.value(), i.codec(), i.version(), i.writer(), i.expiresAt());
      writes.wrote(i.key(), e, kind, () -> i.future().complete(true));
    } else if (op instanceof Tombstone t) {
      KeyDirEntry live = writes.live(t.key());
      // An expired value was absent to every read: the tombstone replaced nothing.
      var previous =
          live != null && isAbsent(live)
              ? Optional.<StorageEngine.Stamp>empty()
              : WriteRules.tombstoneReplaces(writes.current(t.key()));
      long version = clock.next();
      TombstoneResult result = new TombstoneResult(version, previous);
      KeyDirEntry e = appender.append(RecordKind.DELETE, t.key(), null, version, writerId);
      writes.wrote(t.key(), e, RecordKind.DELETE, () -> t.future().complete(result));
    } else if (op instanceof Handoff h) {
      if (!WriteRules.handsOff(h.version(), h.writer(), writes.current(h.key()))) {
        writes.nothing(() -> h.future().complete(false));
        return;
      }
      // The marker names the write it hands off; only its seq matters to recovery.
      KeyDirEntry e = appender.append(RecordKind.HANDOFF, h.key(), null, h.version(), h.writer());
      writes.wrote(h.key(), e, RecordKind.HANDOFF, () -> h.future().complete(true));
    } else if (op instanceof WriteOp.Expire x) {
      KeyDirEntry live = writes.live(x.key());
      if (live == null || !live.equals(x.entry()) || !isAbsent(live)) {
        writes.nothing(() -> x.future().complete(false)); // written again, or gone, meanwhile
        return;
      }
      // The tombstone names the expired write, so it refuses an import of it or anything older,
      // and hides the value's record at restart (by seq); compaction drops it as soon as no older
      // record of the key remains outside the compaction, whatever its age.
      KeyDirEntry e =
          appender.append(
              RecordKind.DELETE,
              x.key(),
              null,
              RecordCodec.CODEC_NONE,
              live.version(),
              live.writer(),
              live.expiresAt());
      writes.wrote(x.key(), e, RecordKind.DELETE, () -> x.future().complete(true));
    } else if (op instanceof Fence f) {
      gate.fence(f.epoch());
      syncNow = true;
      // Read when the batch is durable, so it is above every version issued before.
      writes.nothing(() -> f.future().complete(clock.next()));
    } else if (op instanceof Open o) {
      clock.observe(o.floor());
      gate.open(o.epoch());
      writes.nothing(() -> o.future().complete(null));
    } else if (op instanceof Roll r) {
      var result = appender.reserveAndRoll(r.reserve());
      // Acknowledged with the batch, after the key directory took this batch's earlier writes:
      // the compactor waiting on it must see every record now in the segments it will rewrite,
      // or a key could be left pointing into a segment it deletes.
      writes.nothing(() -> r.future().complete(result));
    }
  }

  /** Whether a live entry (or null) is absent to reads: missing, or expired by the clock now. */
  private boolean isAbsent(KeyDirEntry live) {
    return live == null || expired(live.expiresAt());
  }

  private void finish(Stop stop) {
    try {
      appender.close();
      stop.future().complete(null);
    } catch (IOException e) {
      stop.future().completeExceptionally(e);
    }
  }

  private KvException refusedError() {
    return new KvException(
        ErrorCode.INSUFFICIENT_STORAGE, "the node stopped taking writes (" + failure + ")");
  }

  private static KvException closedError() {
    return new KvException(ErrorCode.UNAVAILABLE, "the storage engine is closed");
  }

  private static void fail(WriteOp op, Throwable error) {
    op.future().completeExceptionally(error);
  }

  /** Whether an expiry (0: never) has passed by the clock; reads no clock for 0, the usual case. */
  private boolean expired(long expiresAt) {
    return expiresAt != 0 && expiresAt <= clock.nowMillis();
  }
}
