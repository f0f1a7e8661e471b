package io.pxkv.node.storage;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.storage.StorageEngine.PutResult;
import io.pxkv.node.storage.StorageEngine.Stamp;
import io.pxkv.node.storage.StorageEngine.TombstoneResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The single writer of a disk engine, running on its own thread {@code kv-write}. Callers queue
 * operations from any thread; the writer drains everything queued, encodes it into one buffer,
 * appends it with one {@code write()} (two around a segment roll-over), fsyncs once per the {@link
 * SyncMode} (group commit), and only then updates the key directory and completes the futures. In
 * INTERVAL mode the due fsyncs run on {@link BackgroundSync} instead, so no write waits for one.
 *
 * <p>Failure rule: if a write or fsync throws, no future of that batch succeeds and the writer
 * stops taking writes for good ({@link #failure()}); the key directory never saw the batch, so
 * readers go on seeing exactly what was acknowledged before.
 *
 * <p>Everything but {@link #submit}, {@link #failure}, {@link #active} and {@link #close} is
 * confined to {@code kv-write}.
 */
final class LogWriter implements Runnable {
  private static final int MAX_BATCH = 4096;
  private static final int BUFFER_BYTES = 1 << 20;
  private static final int MAX_BUFFER_BYTES = 16 << 20;

  sealed interface Op permits Put, Delete, Import, Tombstone, Handoff, Fence, Open, Roll, Stop {
    CompletableFuture<?> future();
  }

  /** An op that writes and so passes the {@link WriteGate} with its epoch tag. */
  sealed interface Tagged {
    long epoch();
  }

  record Put(String key, byte[] value, long epoch, CompletableFuture<PutResult> future)
      implements Op, Tagged {}

  record Delete(String key, long epoch, CompletableFuture<Optional<Long>> future)
      implements Op, Tagged {}

  /** A moved or restored record, stored with its own version and writer if it is newer. */
  record Import(
      String key,
      byte[] value,
      long version,
      int writer,
      long epoch,
      CompletableFuture<Boolean> future)
      implements Op, Tagged {}

  /** A tombstone written whether or not the key is live. */
  record Tombstone(String key, long epoch, CompletableFuture<TombstoneResult> future)
      implements Op, Tagged {}

  /** A handoff marker, written only if the key's current write is exactly (version, writer). */
  record Handoff(
      String key, long version, int writer, long epoch, CompletableFuture<Boolean> future)
      implements Op, Tagged {}

  /** Refuses older tags from now on; answers with a clock reading once earlier ops are durable. */
  record Fence(long epoch, CompletableFuture<Long> future) implements Op {}

  /** Raises the clock to the floor and admits tags up to the epoch. */
  record Open(long epoch, long floor, CompletableFuture<Void> future) implements Op {}

  /** Reserves {@code reserve} segment ids for compaction output, then starts a new segment. */
  record Roll(int reserve, CompletableFuture<RollResult> future) implements Op {}

  record Stop(CompletableFuture<Void> future) implements Op {}

  /** Ids {@code [firstReserved, firstReserved + reserved)} are free; {@code active} is newer. */
  record RollResult(int firstReserved, int reserved, int active) {}

  /**
   * The outcome of one op of this batch: a record of {@code kind} appended (applied to the key
   * directory once the batch is durable), or none ({@code entry == null}: a delete of an absent
   * key, a skipped import, a gate op). Either way the ack runs only after the batch is durable,
   * since a decision not to write may rest on an earlier write of the same batch, which a failed
   * fsync takes back.
   */
  private record Written(String key, KeyDirEntry entry, RecordKind kind, Runnable ack) {
    static Written nothing(Runnable ack) {
      return new Written(null, null, null, ack);
    }
  }

  private final Path dir;
  private final StorageFiles files;
  private final KeyDirectory keydir;
  private final HybridClock clock;
  private final int writerId;
  private final SyncMode syncMode;
  private final long syncIntervalNanos;
  private final long segmentBytes;
  private final AtomicInteger nextId;
  private final Runnable onRoll;
  private final WriteGate gate = new WriteGate();

  /** The seq of the next record appended; confined to {@code kv-write}. */
  private long nextSeq;

  /**
   * Lock-free, so a caller never contends with the writer draining it. The writer parks when it
   * finds the queue empty and says so in {@link #parked}; a caller unparks it only then.
   */
  private final ConcurrentLinkedQueue<Op> queue = new ConcurrentLinkedQueue<>();

  private volatile Thread writerThread;
  private volatile boolean parked;

  /** INTERVAL mode only, else null. */
  private final BackgroundSync backgroundSync;

  private final Object submitLock = new Object();
  private volatile String failure;
  private volatile Segment active;
  private boolean closed;
  private FileChannel out;
  private ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
  private boolean dirty;
  private boolean syncNow;
  private long lastSyncNanos = System.nanoTime();

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
      Runnable onRoll)
      throws IOException {
    this.dir = dir;
    this.files = files;
    this.keydir = keydir;
    this.clock = clock;
    this.writerId = options.writerId();
    this.syncMode = options.syncMode();
    this.syncIntervalNanos = TimeUnit.MILLISECONDS.toNanos(options.syncIntervalMillis());
    this.segmentBytes = options.segmentBytes();
    this.nextSeq = firstSeq;
    this.nextId = nextId;
    this.onRoll = onRoll;
    this.active = active;
    this.out = files.openAppend(active.path());
    this.backgroundSync =
        syncMode == SyncMode.INTERVAL
            ? new BackgroundSync(files, e -> failure = "fsync failed: " + e)
            : null;
  }

  /** The segment being appended to. */
  Segment active() {
    return active;
  }

  String failure() {
    return failure;
  }

  /** Queues {@code op}, or fails its future at once if the writer is stopped or closed. */
  void submit(Op op) {
    submitAll(List.of(op));
  }

  /**
   * Queues {@code ops} in order and wakes the writer once for all of them, or fails their futures
   * at once if the writer is stopped or closed.
   */
  void submitAll(List<? extends Op> ops) {
    synchronized (submitLock) {
      if (!closed && failure == null) {
        queue.addAll(ops);
        wakeWriter();
        return;
      }
    }
    for (Op op : ops) fail(op, closed ? closedError() : refusedError());
  }

  private void wakeWriter() {
    // Pairs with park(): the writer sets parked before its last look at the queue, and the op was
    // queued before this read, so either the writer sees the op or this sees parked.
    if (parked) LockSupport.unpark(writerThread);
  }

  /** Stops after every write queued so far; the future completes when the files are closed. */
  CompletableFuture<Void> close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (submitLock) {
      if (closed) return done.completeAsync(() -> null);
      closed = true;
      queue.add(new Stop(done));
      wakeWriter();
    }
    return done;
  }

  @Override
  public void run() {
    writerThread = Thread.currentThread();
    if (backgroundSync != null) backgroundSync.start();
    List<Op> batch = new ArrayList<>();
    while (true) {
      Op first = nextOp();
      if (first == null) {
        if (syncMode == SyncMode.INTERVAL) syncIfDue();
        continue;
      }
      batch.add(first);
      for (Op op; batch.size() < MAX_BATCH && (op = queue.poll()) != null; ) batch.add(op);
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
  private Op nextOp() {
    Op op = queue.poll();
    if (op != null) return op;
    boolean deadline = syncMode == SyncMode.INTERVAL && dirty;
    long wait = deadline ? syncIntervalNanos - (System.nanoTime() - lastSyncNanos) : 0;
    if (deadline && wait <= 0) return null;
    parked = true;
    try {
      op = queue.poll(); // the last look, after saying we park: see wakeWriter
      if (op != null) return op;
      if (deadline) {
        LockSupport.parkNanos(this, wait);
      } else {
        LockSupport.park(this);
      }
    } finally {
      parked = false;
    }
    // park() returns at once while the interrupt flag is set; only close() ends the writer.
    Thread.interrupted();
    return queue.poll();
  }

  /** Appends, syncs, applies and acknowledges one batch; returns the Stop op if it held one. */
  private Stop process(List<Op> batch) {
    List<Written> written = new ArrayList<>();
    Map<String, Written> overlay = new HashMap<>(); // key -> its newest record of this batch
    Stop stop = null;
    try {
      for (Op op : batch) {
        if (op instanceof Stop s) {
          stop = s;
        } else if (stop != null || failure != null) {
          fail(op, failure != null ? refusedError() : closedError());
        } else {
          append(op, overlay, written);
        }
      }
      flush();
      if (syncMode == SyncMode.ALWAYS) {
        sync();
      } else if (syncNow) {
        // A fence promises that every write before it is durable, whatever the sync mode.
        if (backgroundSync != null) backgroundSync.awaitIdle();
        dirty = true;
        sync();
      } else if (syncMode == SyncMode.INTERVAL) {
        syncIfDue();
      }
      syncNow = false;
    } catch (IOException | RuntimeException e) {
      failure = "write failed: " + e;
      KvException error =
          new KvException(
              ErrorCode.INSUFFICIENT_STORAGE,
              "the write failed and the node stopped taking writes: " + e,
              e);
      for (Op op : batch) {
        if (op instanceof Stop s) {
          stop = s; // a stop still closes the files: finish() answers it
        } else {
          fail(op, error);
        }
      }
      return stop;
    }
    for (Written w : written) {
      if (w.entry() != null) keydir.put(w.key(), w.entry(), w.kind());
    }
    for (Written w : written) w.ack().run();
    return stop;
  }

  private void append(Op op, Map<String, Written> overlay, List<Written> written)
      throws IOException {
    if (op instanceof Tagged t && !gate.admits(t.epoch())) {
      fail(op, gate.refusal(t.epoch()));
    } else if (op instanceof Put p) {
      boolean created = liveEntry(p.key(), overlay) == null;
      long version = clock.next();
      KeyDirEntry e = appendRecord(RecordKind.PUT, p.key(), p.value(), version, writerId);
      wrote(
          overlay,
          written,
          new Written(
              p.key(),
              e,
              RecordKind.PUT,
              () -> complete(p.future(), new PutResult(version, created))));
    } else if (op instanceof Delete d) {
      if (liveEntry(d.key(), overlay) == null) {
        written.add(Written.nothing(() -> complete(d.future(), Optional.empty())));
        return;
      }
      long version = clock.next();
      KeyDirEntry e = appendRecord(RecordKind.DELETE, d.key(), null, version, writerId);
      wrote(
          overlay,
          written,
          new Written(
              d.key(), e, RecordKind.DELETE, () -> complete(d.future(), Optional.of(version))));
    } else if (op instanceof Import i) {
      // Observed even when skipped: no later local write may get a version at or below one this
      // node has been shown.
      clock.observe(i.version());
      KeyDirEntry current = currentEntry(i.key(), overlay);
      boolean newer =
          i.version() > 0
              && (current == null
                  || WriteOrder.compare(
                          i.version(), i.writer(), current.version(), current.writer())
                      > 0);
      if (!newer) {
        written.add(Written.nothing(() -> complete(i.future(), false)));
        return;
      }
      RecordKind kind = i.value() == null ? RecordKind.DELETE : RecordKind.PUT;
      KeyDirEntry e = appendRecord(kind, i.key(), i.value(), i.version(), i.writer());
      wrote(overlay, written, new Written(i.key(), e, kind, () -> complete(i.future(), true)));
    } else if (op instanceof Tombstone t) {
      KeyDirEntry live = liveEntry(t.key(), overlay);
      KeyDirEntry deleted = live == null ? deletedEntry(t.key(), overlay) : null;
      Optional<Stamp> previous =
          live != null
              ? Optional.of(new Stamp(live.version(), live.writer(), false))
              : deleted != null
                  ? Optional.of(new Stamp(deleted.version(), deleted.writer(), true))
                  : Optional.empty();
      long version = clock.next();
      TombstoneResult result = new TombstoneResult(version, previous);
      KeyDirEntry e = appendRecord(RecordKind.DELETE, t.key(), null, version, writerId);
      wrote(
          overlay,
          written,
          new Written(t.key(), e, RecordKind.DELETE, () -> complete(t.future(), result)));
    } else if (op instanceof Handoff h) {
      KeyDirEntry current = currentEntry(h.key(), overlay);
      if (current == null || current.version() != h.version() || current.writer() != h.writer()) {
        written.add(Written.nothing(() -> complete(h.future(), false)));
        return;
      }
      // The marker names the write it hands off; only its seq matters to recovery.
      KeyDirEntry e = appendRecord(RecordKind.HANDOFF, h.key(), null, h.version(), h.writer());
      wrote(
          overlay,
          written,
          new Written(h.key(), e, RecordKind.HANDOFF, () -> complete(h.future(), true)));
    } else if (op instanceof Fence f) {
      gate.fence(f.epoch());
      syncNow = true;
      // Read when the batch is durable, so it is above every version issued before.
      written.add(Written.nothing(() -> complete(f.future(), clock.next())));
    } else if (op instanceof Open o) {
      clock.observe(o.floor());
      gate.open(o.epoch());
      written.add(Written.nothing(() -> complete(o.future(), null)));
    } else if (op instanceof Roll r) {
      flush();
      int first = nextId.getAndAdd(r.reserve());
      roll();
      RollResult result = new RollResult(first, r.reserve(), active.id());
      // Acknowledged with the batch, after the key directory took this batch's earlier writes:
      // the compactor waiting on it must see every record now in the segments it will rewrite,
      // or a key could be left pointing into a segment it deletes.
      written.add(Written.nothing(() -> r.future().complete(result)));
    }
  }

  /** A record appended: the key's newest in this batch, and in the key directory once durable. */
  private static void wrote(Map<String, Written> overlay, List<Written> written, Written w) {
    overlay.put(w.key(), w);
    written.add(w);
  }

  private static <T> void complete(CompletableFuture<T> future, T value) {
    future.complete(value);
  }

  /** The key's live record, counting this batch's writes; null if not live. */
  private KeyDirEntry liveEntry(String key, Map<String, Written> overlay) {
    Written w = overlay.get(key);
    if (w != null) return w.kind() == RecordKind.PUT ? w.entry() : null;
    return keydir.get(key);
  }

  /** The key's held tombstone, counting this batch's writes; null if none. */
  private KeyDirEntry deletedEntry(String key, Map<String, Written> overlay) {
    Written w = overlay.get(key);
    if (w != null) return w.kind() == RecordKind.DELETE ? w.entry() : null;
    return keydir.tombstone(key);
  }

  /** The live record or held tombstone of the key; null when absent or handed off. */
  private KeyDirEntry currentEntry(String key, Map<String, Written> overlay) {
    KeyDirEntry live = liveEntry(key, overlay);
    return live != null ? live : deletedEntry(key, overlay);
  }

  private KeyDirEntry appendRecord(
      RecordKind kind, String key, byte[] value, long version, int writer) throws IOException {
    byte[] keyBytes = RecordCodec.keyBytes(key);
    int size = RecordCodec.size(keyBytes, value);
    long pending = active.size() + buffer.position();
    if (pending > active.dataStart() && pending + size > segmentBytes) {
      flush();
      roll();
    }
    if (buffer.remaining() < size) {
      int needed = buffer.position() + size;
      if (needed <= MAX_BUFFER_BYTES) {
        // Grow rather than flush, so a large batch still goes out in one write().
        ByteBuffer bigger = ByteBuffer.allocate(Math.min(MAX_BUFFER_BYTES, 2 * needed));
        buffer.flip();
        buffer = bigger.put(buffer);
      } else {
        flush();
        if (buffer.capacity() < size) buffer = ByteBuffer.allocate(size);
      }
    }
    long seq = nextSeq++;
    long offset = active.size() + buffer.position();
    RecordCodec.encode(buffer, kind, seq, version, writer, keyBytes, value);
    active.sawSeq(seq);
    return new KeyDirEntry(active.id(), offset, size, seq, version, writer);
  }

  private void flush() throws IOException {
    if (buffer.position() == 0) return;
    buffer.flip();
    int n = buffer.remaining();
    try {
      files.write(out, buffer);
    } finally {
      buffer.clear();
    }
    active.grow(n);
    dirty = true;
  }

  private void sync() throws IOException {
    if (!dirty) return;
    files.sync(out);
    dirty = false;
    lastSyncNanos = System.nanoTime();
  }

  /** INTERVAL mode: asks {@code kv-sync} for an fsync when one is due, without waiting for it. */
  private void syncIfDue() {
    if (!dirty || System.nanoTime() - lastSyncNanos < syncIntervalNanos || failure != null) return;
    dirty = false;
    lastSyncNanos = System.nanoTime();
    backgroundSync.request(out);
  }

  /**
   * Closes the active segment and starts the next. The old file is fsynced whatever the sync mode
   * (a closed segment is durable), and the new file and its directory entry are fsynced before any
   * record goes into it.
   */
  private void roll() throws IOException {
    if (backgroundSync != null) backgroundSync.awaitIdle(); // it may be syncing the file we close
    dirty = true;
    sync();
    out.close();
    int id = nextId.getAndIncrement();
    Segment next = SegmentHeader.create(files, dir, id, FileNames.segment(dir, id));
    out = files.openAppend(next.path());
    keydir.addSegment(next);
    active = next;
    onRoll.run();
  }

  private void finish(Stop stop) {
    if (backgroundSync != null) {
      backgroundSync.awaitIdle();
      backgroundSync.stop();
    }
    try {
      if (failure == null) {
        flush();
        sync();
      }
      out.close();
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

  private static void fail(Op op, Throwable error) {
    op.future().completeExceptionally(error);
  }
}
