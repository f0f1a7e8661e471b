package io.pxkv.node.storage;

import io.pxkv.node.storage.WriteOp.RollResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The bytes side of the disk engine's writer: encodes records into one buffer, appends it to the
 * active segment with one {@code write()}, rolls over to a new segment when the active one is full,
 * and fsyncs per the {@link SyncMode} (in INTERVAL mode the due fsyncs run on {@link
 * BackgroundSync}, so no write waits for one). Decides nothing about keys.
 *
 * <p>Confined to {@code kv-write} but for {@link #active}.
 */
final class SegmentAppender {
  private static final int BUFFER_BYTES = 1 << 20;
  private static final int MAX_BUFFER_BYTES = 16 << 20;

  private final Path dir;
  private final StorageFiles files;
  private final SyncMode syncMode;
  private final long syncIntervalNanos;
  private final long segmentBytes;
  private final AtomicInteger nextId;
  private final BooleanSupplier failed;
  private final Consumer<Segment> adding;
  private final Runnable rolled;
  private final ValueCoding coding;

  /** Seals every value written; null when encryption is off. */
  private final RecordCipher cipher;

  /** INTERVAL mode only, else null. */
  private final BackgroundSync backgroundSync;

  /** The seq of the next record appended. */
  private long nextSeq;

  private volatile Segment active;
  private FileChannel out;
  private ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
  private boolean dirty;
  private long lastSyncNanos = System.nanoTime();

  /**
   * {@code active} must be a segment of the current format, {@code firstSeq} larger than every seq
   * (and format-1 version) on disk. {@code adding} hears of every new segment before a record goes
   * into it, {@code rolled} once it is the active one; {@code onSyncFailure} of a failed background
   * fsync; {@code failed} says whether the writer stopped.
   */
  SegmentAppender(
      Path dir,
      StorageFiles files,
      StorageOptions options,
      Segment active,
      long firstSeq,
      AtomicInteger nextId,
      BooleanSupplier failed,
      Consumer<String> onSyncFailure,
      Consumer<Segment> adding,
      Runnable rolled,
      RecordCipher cipher)
      throws IOException {
    this.cipher = cipher;
    this.dir = dir;
    this.files = files;
    this.syncMode = options.syncMode();
    this.syncIntervalNanos = TimeUnit.MILLISECONDS.toNanos(options.syncIntervalMillis());
    this.segmentBytes = options.segmentBytes();
    this.coding = options.coding();
    this.nextSeq = firstSeq;
    this.nextId = nextId;
    this.failed = failed;
    this.adding = adding;
    this.rolled = rolled;
    this.active = active;
    this.out = files.openAppend(active.path());
    this.backgroundSync =
        syncMode == SyncMode.INTERVAL
            ? new BackgroundSync(files, e -> onSyncFailure.accept("fsync failed: " + e))
            : null;
  }

  /** The segment being appended to. */
  Segment active() {
    return active;
  }

  /** Starts the fsync thread of INTERVAL mode; on {@code kv-write} before the first append. */
  void start() {
    if (backgroundSync != null) backgroundSync.start();
  }

  /**
   * Buffers one record, rolling over first if it would not fit in the active segment; where it will
   * be once {@link #commit} wrote it.
   */
  KeyDirEntry append(RecordKind kind, String key, byte[] value, long version, int writer)
      throws IOException {
    return append(kind, key, value, RecordCodec.CODEC_NONE, version, writer, 0);
  }

  /**
   * As {@link #append(RecordKind, String, byte[], long, int)}, with {@code value} in value codec
   * {@code codec}, expiring at {@code expiresAt} (0: never); a value is sealed here when encryption
   * is on.
   */
  KeyDirEntry append(
      RecordKind kind,
      String key,
      byte[] value,
      int codec,
      long version,
      int writer,
      long expiresAt)
      throws IOException {
    byte[] keyBytes = RecordCodec.keyBytes(key);
    RecordCipher seal = value == null ? null : cipher;
    int size =
        RecordCodec.size(keyBytes, value, expiresAt, codec, RecordCodec.NO_KEY, seal != null);
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
    RecordCodec.encode(
        buffer,
        kind,
        seq,
        version,
        writer,
        keyBytes,
        value,
        expiresAt,
        codec,
        RecordCodec.NO_KEY,
        seal);
    active.sawSeq(seq);
    // Values go to the log as given; compaction deflates them later (docs/STORAGE.md).
    if (value != null && codec == RecordCodec.CODEC_NONE && coding.deflates(value.length)) {
      active.addRaw(value.length);
    }
    return new KeyDirEntry(active.id(), offset, size, seq, version, writer, expiresAt);
  }

  /**
   * Writes what is buffered and makes it durable as the sync mode says; {@code fence}: durable now,
   * whatever the sync mode (a fence promises that every write before it is durable).
   */
  void commit(boolean fence) throws IOException {
    flush();
    if (syncMode == SyncMode.ALWAYS) {
      sync();
    } else if (fence) {
      if (backgroundSync != null) backgroundSync.awaitIdle();
      dirty = true;
      sync();
    } else if (syncMode == SyncMode.INTERVAL) {
      syncIfDue();
    }
  }

  /**
   * INTERVAL mode: how long the writer may park before an fsync is due; {@code -1} when none is
   * pending (park until a write comes), {@code 0} when one is due now.
   */
  long nanosUntilSyncDue() {
    if (syncMode != SyncMode.INTERVAL || !dirty) return -1;
    return Math.max(0, syncIntervalNanos - (System.nanoTime() - lastSyncNanos));
  }

  /** INTERVAL mode: asks {@code kv-sync} for an fsync when one is due, without waiting for it. */
  void syncIfDue() {
    if (syncMode != SyncMode.INTERVAL) return;
    if (!dirty || System.nanoTime() - lastSyncNanos < syncIntervalNanos || failed.getAsBoolean()) {
      return;
    }
    dirty = false;
    lastSyncNanos = System.nanoTime();
    backgroundSync.request(out);
  }

  /** Reserves {@code reserve} segment ids for compaction output, then starts a new segment. */
  RollResult reserveAndRoll(int reserve) throws IOException {
    flush();
    int first = nextId.getAndAdd(reserve);
    roll();
    return new RollResult(first, reserve, active.id());
  }

  /** Writes and fsyncs what is buffered unless the writer failed, and closes the file. */
  void close() throws IOException {
    if (backgroundSync != null) {
      backgroundSync.awaitIdle();
      backgroundSync.stop();
    }
    if (!failed.getAsBoolean()) {
      flush();
      sync();
    }
    out.close();
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
    adding.accept(next);
    active = next;
    rolled.run();
  }
}
