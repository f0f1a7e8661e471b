package io.pxkv.node.storage;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.node.storage.RecordCodec.CorruptRecordException;
import io.pxkv.node.storage.RecordCodec.Record;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The disk engine: a log-structured store in the manner of Bitcask. Records are appended to segment
 * files ({@link RecordCodec}); an in-memory {@link KeyDirectory} maps each live key to its newest
 * record, so a read is one positional read; closed segments are rewritten without dead records by
 * the {@link Compactor}.
 *
 * <p>Implementation notes. The work is split by thread: {@link LogWriter} ({@code kv-write}) does
 * every append and fsync; {@link Compactor} ({@code kv-compact}) rewrites closed segments; reads
 * run on the caller's thread, which must not be a Vert.x event loop (asserted). {@link Recovery}
 * rebuilds the key directory when the engine opens. The key directory is only changed after the
 * bytes it points at were written, so a reader can never be sent to a record that is not there.
 */
public final class BitcaskEngine implements StorageEngine {
  private static final int READ_ATTEMPTS = 4;

  private final Path dir;
  private final StorageFiles files;
  private final DirectoryLock lock;
  private final KeyDirectory keydir;
  private final LogWriter writer;
  private final Thread writerThread;
  private final RecoveryReport report;
  private final HybridClock clock;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Compactor compactor;

  private BitcaskEngine(
      Path dir,
      StorageFiles files,
      DirectoryLock lock,
      KeyDirectory keydir,
      LogWriter writer,
      RecoveryReport report,
      HybridClock clock) {
    this.dir = dir;
    this.clock = clock;
    this.files = files;
    this.lock = lock;
    this.keydir = keydir;
    this.writer = writer;
    this.report = report;
    this.writerThread = new Thread(writer, "kv-write");
    writerThread.setDaemon(true);
  }

  /** Opens (creating if needed) the store in {@code options.dataDir()}. Blocking. */
  public static BitcaskEngine open(StorageOptions options) throws IOException {
    return open(options, StorageFiles.DISK);
  }

  /** As {@link #open(StorageOptions)}, with every file operation going through {@code files}. */
  public static BitcaskEngine open(StorageOptions options, StorageFiles files) throws IOException {
    assertOffEventLoop();
    Path dir = options.dataDir();
    Files.createDirectories(dir);
    DirectoryLock lock = DirectoryLock.acquire(dir);
    try {
      KeyDirectory keydir = new KeyDirectory();
      HybridClock clock = new HybridClock();
      Recovery.Result recovered = new Recovery(dir, files, options.recover(), keydir, clock).run();
      AtomicInteger nextId = new AtomicInteger(recovered.maxId() + 1);
      Segment active = recovered.newest();
      if (active == null) active = createFirstSegment(dir, files, keydir, nextId);
      Compactor[] compactor = new Compactor[1];
      LogWriter writer =
          new LogWriter(
              dir,
              files,
              keydir,
              clock,
              options,
              active,
              nextId,
              () -> {
                if (compactor[0] != null) compactor[0].segmentRolled();
              });
      BitcaskEngine engine =
          new BitcaskEngine(dir, files, lock, keydir, writer, recovered.report(), clock);
      compactor[0] =
          new Compactor(dir, files, keydir, writer, options.compaction(), options.segmentBytes());
      engine.compactor = compactor[0];
      engine.writerThread.start();
      return engine;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static Segment createFirstSegment(
      Path dir, StorageFiles files, KeyDirectory keydir, AtomicInteger nextId) throws IOException {
    int id = nextId.getAndIncrement();
    Path path = FileNames.data(dir, id);
    try (FileChannel channel = files.openAppend(path)) {
      files.sync(channel);
    }
    files.syncDirectory(dir);
    Segment segment = new Segment(id, path, files, 0);
    keydir.addSegment(segment);
    return segment;
  }

  @Override
  public Optional<Versioned> get(String key) throws IOException {
    assertOffEventLoop();
    for (int attempt = 1; ; attempt++) {
      KeyDirEntry e = keydir.get(key);
      if (e == null) return Optional.empty();
      try {
        return Optional.of(new Versioned(read(key, e, false).value(), e.version()));
      } catch (ClosedChannelException moved) {
        // Compaction moved the record and deleted its segment between lookup and read.
        if (attempt == READ_ATTEMPTS || e.equals(keydir.get(key))) throw moved;
      }
    }
  }

  @Override
  public Optional<Versioned> getIfCached(String key) {
    return keydir.get(key) == null ? Optional.empty() : null;
  }

  @Override
  public long currentVersion(String key) {
    KeyDirEntry e = keydir.get(key);
    return e == null ? 0 : e.version();
  }

  @Override
  public CompletableFuture<PutResult> put(String key, byte[] value) {
    CompletableFuture<PutResult> f = new CompletableFuture<>();
    writer.submit(new LogWriter.Put(key, value.clone(), f));
    return f;
  }

  @Override
  public List<CompletableFuture<PutResult>> putAll(List<String> keys, List<byte[]> values) {
    List<LogWriter.Put> ops = new ArrayList<>(keys.size());
    List<CompletableFuture<PutResult>> puts = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      CompletableFuture<PutResult> f = new CompletableFuture<>();
      ops.add(new LogWriter.Put(keys.get(i), values.get(i).clone(), f));
      puts.add(f);
    }
    writer.submitAll(ops);
    return puts;
  }

  @Override
  public CompletableFuture<Optional<Long>> delete(String key) {
    CompletableFuture<Optional<Long>> f = new CompletableFuture<>();
    writer.submit(new LogWriter.Delete(key, f));
    return f;
  }

  @Override
  public CompletableFuture<Boolean> putIfNewer(
      String key, byte[] value, long version, long tombstonesFrom) {
    if (!StorageEngine.isImportableVersion(version)) {
      return CompletableFuture.failedFuture(StorageEngine.badImportVersion(version));
    }
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    writer.submit(new LogWriter.Import(key, value.clone(), version, tombstonesFrom, f));
    return f;
  }

  @Override
  public long clockReading() {
    return clock.next();
  }

  @Override
  public CompletableFuture<TombstoneResult> tombstone(String key) {
    CompletableFuture<TombstoneResult> f = new CompletableFuture<>();
    writer.submit(new LogWriter.Tombstone(key, f));
    return f;
  }

  @Override
  public CompletableFuture<Boolean> deleteIfVersion(String key, long version) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    writer.submit(new LogWriter.DeleteIfVersion(key, version, f));
    return f;
  }

  @Override
  public List<Entry> scan(String prefix, String after, int limit) throws IOException {
    assertOffEventLoop();
    String p = prefix == null ? "" : prefix;
    NavigableSet<String> keys = keydir.sortedKeys();
    NavigableSet<String> from =
        after != null && after.compareTo(p) >= 0
            ? keys.tailSet(after, false)
            : keys.tailSet(p, true);
    List<Entry> page = new ArrayList<>();
    for (String key : from) {
      if (page.size() >= limit || !key.startsWith(p)) break;
      Optional<Versioned> v = get(key); // empty if deleted since the walk passed it
      if (v.isPresent()) page.add(new Entry(key, v.get().value(), v.get().version()));
    }
    return page;
  }

  @Override
  public long size() {
    return keydir.size();
  }

  @Override
  public StorageStats stats() {
    long disk = 0;
    int segments = 0;
    for (Segment s : keydir.segments()) {
      disk += s.size();
      segments++;
    }
    return new StorageStats(keydir.size(), disk, keydir.liveBytes(), segments, 0, 0, 0, 0, 0);
  }

  @Override
  public String writeFailure() {
    return writer.failure();
  }

  @Override
  public CompletableFuture<CompactionResult> compact() {
    return compactor.compact();
  }

  /** Compacts exactly the closed segments {@code ids}: for tests of partial compactions. */
  CompletableFuture<CompactionResult> compactSegments(List<Integer> ids) {
    return compactor.compact(ids);
  }

  @Override
  public RecoveryReport recoveryReport() {
    return report;
  }

  /** For tests in this package: the key directory and segments. */
  @Override
  public void startDeferredWork() {
    keydir.buildSortedKeys();
  }

  KeyDirectory keyDirectory() {
    return keydir;
  }

  /** The data directory. */
  public Path directory() {
    return dir;
  }

  /**
   * Waits for queued writes and a running compaction, then closes every file and releases the
   * directory lock. Blocking.
   */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) return;
    try {
      compactor.close();
      writer.close().get();
      writerThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while closing " + dir, e);
    } catch (ExecutionException e) {
      throw new IOException("closing " + dir + " failed", e.getCause());
    } finally {
      for (Segment s : keydir.segments()) s.retire();
      lock.close();
    }
  }

  /**
   * Checks that every key-directory entry points at a record whose CRC, key, version and kind
   * match, and that the live-byte counts add up. For tests; reads the disk.
   */
  void checkInvariants() throws IOException {
    Map<Integer, Long> live = new HashMap<>();
    for (var e : keydir.live().entrySet()) {
      read(e.getKey(), e.getValue(), false);
      live.merge(e.getValue().segmentId(), (long) e.getValue().size(), Long::sum);
    }
    for (var e : keydir.tombstones().entrySet()) {
      read(e.getKey(), e.getValue(), true);
      live.merge(e.getValue().segmentId(), (long) e.getValue().size(), Long::sum);
    }
    long total = 0;
    for (Segment s : keydir.segments()) {
      long expected = live.getOrDefault(s.id(), 0L);
      total += expected;
      if (s.liveBytes() != expected) {
        throw new IllegalStateException(
            s + " counts " + s.liveBytes() + " live bytes but holds " + expected);
      }
    }
    if (total != keydir.liveBytes()) {
      throw new IllegalStateException("live bytes " + keydir.liveBytes() + " != " + total);
    }
  }

  private Record read(String key, KeyDirEntry e, boolean tombstone) throws IOException {
    Segment segment = keydir.segment(e.segmentId());
    if (segment == null) throw new ClosedChannelException();
    ByteBuffer buf = segment.read(e.offset(), e.size());
    Record r;
    try {
      r = RecordCodec.decode(buf);
    } catch (CorruptRecordException ex) {
      throw damaged(segment, e, ex.getMessage());
    }
    if (!r.key().equals(key) || r.version() != e.version() || r.tombstone() != tombstone) {
      throw damaged(segment, e, "the record there belongs to another key or version");
    }
    return r;
  }

  private static KvException damaged(Segment s, KeyDirEntry e, String why) {
    return new KvException(
        ErrorCode.STORAGE_FAILURE,
        String.format(
            "the stored record of a key (%d bytes at byte offset %d of %s) is damaged: %s",
            e.size(), e.offset(), s, why));
  }

  /** Blocking calls must not run on a Vert.x event loop; checked without depending on Vert.x. */
  static void assertOffEventLoop() {
    assert !Thread.currentThread().getName().startsWith("vert.x-eventloop")
        : "blocking storage call on an event loop thread";
  }
}
