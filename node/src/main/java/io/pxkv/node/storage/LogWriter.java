package io.pxkv.node.storage;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.node.storage.StorageEngine.PutResult;
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

  sealed interface Op permits Put, Delete, Import, Tombstone, DeleteIfVersion, Roll, Stop {
    CompletableFuture<?> future();
  }

  record Put(String key, byte[] value, CompletableFuture<PutResult> future) implements Op {}

  record Delete(String key, CompletableFuture<Optional<Long>> future) implements Op {}

  record Import(
      String key,
      byte[] value,
      long version,
      long tombstonesFrom,
      CompletableFuture<Boolean> future)
      implements Op {}

  /** A tombstone written whether or not the key is live. */
  record Tombstone(String key, CompletableFuture<TombstoneResult> future) implements Op {}

  /** A delete that happens only if the key is live with exactly {@code version}. */
  record DeleteIfVersion(String key, long version, CompletableFuture<Boolean> future)
      implements Op {}

  /** Reserves {@code reserve} segment ids for compaction output, then starts a new segment. */
  record Roll(int reserve, CompletableFuture<RollResult> future) implements Op {}

  record Stop(CompletableFuture<Void> future) implements Op {}

  /** Ids {@code [firstReserved, firstReserved + reserved)} are free; {@code active} is newer. */
  record RollResult(int firstReserved, int reserved, int active) {}

  /**
   * The outcome of one op of this batch: a record appended (applied to the key directory once the
   * batch is durable), or none ({@code entry == null}: a delete of an absent key, a skipped
   * import). Either way the ack runs only after the batch is durable, since a decision not to write
   * may rest on an earlier write of the same batch, which a failed fsync takes back.
   */
  private record Written(String key, KeyDirEntry entry, boolean tombstone, Runnable ack) {
    static Written nothing(Runnable ack) {
      return new Written(null, null, false, ack);
    }
  }

  private final Path dir;
  private final StorageFiles files;
  private final KeyDirectory keydir;
  private final HybridClock clock;
  private final SyncMode syncMode;
  private final long syncIntervalNanos;
  private final long segmentBytes;
  private final AtomicInteger nextId;
  private final Runnable onRoll;

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
  private long lastSyncNanos = System.nanoTime();

  LogWriter(
      Path dir,
      StorageFiles files,
      KeyDirectory keydir,
      HybridClock clock,
      StorageOptions options,
      Segment active,
      AtomicInteger nextId,
      Runnable onRoll)
      throws IOException {
    this.dir = dir;
    this.files = files;
    this.keydir = keydir;
    this.clock = clock;
    this.syncMode = options.syncMode();
    this.syncIntervalNanos = TimeUnit.MILLISECONDS.toNanos(options.syncIntervalMillis());
    this.segmentBytes = options.segmentBytes();
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
    Map<String, Long> overlay = new HashMap<>(); // key -> version, negative when deleted
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
      } else if (syncMode == SyncMode.INTERVAL) {
        syncIfDue();
      }
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
      if (w.entry() == null) {
        continue;
      } else if (w.tombstone()) {
        keydir.putTombstone(w.key(), w.entry());
      } else {
        keydir.putLive(w.key(), w.entry());
      }
    }
    for (Written w : written) w.ack().run();
    return stop;
  }

  private void append(Op op, Map<String, Long> overlay, List<Written> written) throws IOException {
    if (op instanceof Put p) {
      long version = clock.next();
      boolean created = !isLive(p.key(), overlay);
      KeyDirEntry e = appendRecord(p.key(), p.value(), version);
      overlay.put(p.key(), version);
      written.add(
          new Written(
              p.key(), e, false, () -> complete(p.future(), new PutResult(version, created))));
    } else if (op instanceof Delete d) {
      if (!isLive(d.key(), overlay)) {
        written.add(Written.nothing(() -> complete(d.future(), Optional.empty())));
        return;
      }
      long version = clock.next();
      KeyDirEntry e = appendRecord(d.key(), null, version);
      overlay.put(d.key(), -version);
      written.add(new Written(d.key(), e, true, () -> complete(d.future(), Optional.of(version))));
    } else if (op instanceof Import i) {
      // Observed even when skipped: no later local write may get a version at or below one this
      // node has been shown.
      clock.observe(i.version());
      if (i.version() <= blockingVersion(i.key(), overlay, i.tombstonesFrom())) {
        written.add(Written.nothing(() -> complete(i.future(), false)));
        return;
      }
      // Recovery keeps the highest version per key, so a copy let past an older-than-the-move
      // tombstone must be stored above that tombstone, or a restart would bring the delete back.
      long stored = Math.max(i.version(), latestVersion(i.key(), overlay) + 1);
      clock.observe(stored);
      KeyDirEntry e = appendRecord(i.key(), i.value(), stored);
      overlay.put(i.key(), stored);
      written.add(new Written(i.key(), e, false, () -> complete(i.future(), true)));
    } else if (op instanceof Tombstone t) {
      Optional<Long> previous = liveVersion(t.key(), overlay);
      long version = clock.next();
      KeyDirEntry e = appendRecord(t.key(), null, version);
      overlay.put(t.key(), -version);
      TombstoneResult result = new TombstoneResult(version, previous);
      written.add(new Written(t.key(), e, true, () -> complete(t.future(), result)));
    } else if (op instanceof DeleteIfVersion d) {
      Optional<Long> live = liveVersion(d.key(), overlay);
      if (live.isEmpty() || live.get() != d.version()) {
        written.add(Written.nothing(() -> complete(d.future(), false)));
        return;
      }
      long version = clock.next();
      KeyDirEntry e = appendRecord(d.key(), null, version);
      overlay.put(d.key(), -version);
      written.add(new Written(d.key(), e, true, () -> complete(d.future(), true)));
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

  private static <T> void complete(CompletableFuture<T> future, T value) {
    future.complete(value);
  }

  private boolean isLive(String key, Map<String, Long> overlay) {
    return liveVersion(key, overlay).isPresent();
  }

  /** The version of the key's live value, counting this batch's writes; empty if not live. */
  private Optional<Long> liveVersion(String key, Map<String, Long> overlay) {
    Long v = overlay.get(key);
    if (v != null) return v > 0 ? Optional.of(v) : Optional.empty();
    KeyDirEntry e = keydir.get(key);
    return e == null ? Optional.empty() : Optional.of(e.version());
  }

  private long latestVersion(String key, Map<String, Long> overlay) {
    Long v = overlay.get(key);
    return v != null ? Math.abs(v) : keydir.latestVersion(key);
  }

  /** The overlay holds this batch's writes: positive versions live, negative ones tombstones. */
  private long blockingVersion(String key, Map<String, Long> overlay, long tombstonesFrom) {
    Long v = overlay.get(key);
    if (v == null) return keydir.blockingVersion(key, tombstonesFrom);
    return v > 0 || -v >= tombstonesFrom ? Math.abs(v) : 0;
  }

  private KeyDirEntry appendRecord(String key, byte[] value, long version) throws IOException {
    byte[] keyBytes = RecordCodec.keyBytes(key);
    int size = RecordCodec.size(keyBytes, value);
    long pending = active.size() + buffer.position();
    if (pending > 0 && pending + size > segmentBytes) {
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
    long offset = active.size() + buffer.position();
    RecordCodec.encode(buffer, keyBytes, value, version);
    active.sawVersion(version);
    return new KeyDirEntry(active.id(), offset, size, version);
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
    Path path = FileNames.data(dir, id);
    out = files.openAppend(path);
    files.sync(out);
    files.syncDirectory(dir);
    Segment next = new Segment(id, path, files, 0);
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
