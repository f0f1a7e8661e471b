package io.pxkv.node.storage;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.KeyOrder;
import io.pxkv.node.storage.RecordCodec.CorruptRecordException;
import io.pxkv.node.storage.RecordCodec.Record;
import io.pxkv.node.storage.RecordCodec.UnsupportedRecordException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The disk engine: a log-structured store in the manner of Bitcask. Records are appended to segment
 * files ({@link RecordCodec}); an in-memory {@link KeyDirectory} maps each key to its current
 * record, so a read is one positional read; closed segments are rewritten without dead records by
 * the {@link Compactor}.
 *
 * <p>Implementation notes. The work is split by thread: {@link LogWriter} ({@code kv-write}) does
 * every append and fsync and decides every conditional write (imports, handoffs, by the {@link
 * WriteRules} the memory engine shares) and the gate (fence, open) in queue order; {@link
 * Compactor} ({@code kv-compact}) rewrites closed segments; reads run on the caller's thread, which
 * must not be a Vert.x event loop (asserted). {@link Recovery} rebuilds the key directory when the
 * engine opens. The key directory is only changed after the bytes it points at were written, so a
 * reader can never be sent to a record that is not there.
 */
public final class BitcaskEngine implements StorageEngine {
  private static final int READ_ATTEMPTS = 4;
  private static final StoredValues.Encoded NO_VALUE =
      new StoredValues.Encoded(null, RecordCodec.CODEC_NONE);

  private final Path dir;
  private final DirectoryLock lock;
  private final KeyDirectory keydir;
  private final LogWriter writer;
  private final Thread writerThread;
  private final RecoveryReport report;
  private final int writerId;
  private final HybridClock clock;
  private final StoredValues values;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Given every engine as it closes, once its writes are done and compaction has stopped, before
   * its files close: the node's tests check each engine's invariants there ({@code
   * DiskEngineInvariants}). Null outside tests.
   */
  static volatile Consumer<BitcaskEngine> closing;

  /**
   * Whether engines opened from now on run the active expiry cycle on their own thread; tests that
   * drive it step by step ({@link #expireNow}) turn it off.
   */
  static volatile boolean backgroundExpiry = true;

  private volatile Compactor compactor;
  private volatile ActiveExpiry expiry;

  private BitcaskEngine(
      Path dir,
      DirectoryLock lock,
      KeyDirectory keydir,
      LogWriter writer,
      RecoveryReport report,
      int writerId,
      HybridClock clock,
      StoredValues values) {
    this.values = values;
    this.dir = dir;
    this.clock = clock;
    this.lock = lock;
    this.keydir = keydir;
    this.writer = writer;
    this.report = report;
    this.writerId = writerId;
    this.writerThread = new Thread(writer, "kv-write");
    writerThread.setDaemon(true);
  }

  /** Opens (creating if needed) the store in {@code options.dataDir()}. Blocking. */
  public static BitcaskEngine open(StorageOptions options) throws IOException {
    return open(options, StorageFiles.DISK);
  }

  /** As {@link #open(StorageOptions)}, with every file operation going through {@code files}. */
  public static BitcaskEngine open(StorageOptions options, StorageFiles files) throws IOException {
    return open(options, files, Clock.systemUTC());
  }

  /**
   * As {@link #open(StorageOptions, StorageFiles)}, with the version clock, and the expiry of keys,
   * reading {@code wall} (tests move time with it).
   */
  public static BitcaskEngine open(StorageOptions options, StorageFiles files, Clock wall)
      throws IOException {
    assertOffEventLoop();
    Path dir = options.dataDir();
    Files.createDirectories(dir);
    DirectoryLock lock = DirectoryLock.acquire(dir);
    try {
      StoredValues values = new StoredValues(options.coding());
      // Before any value is read or sealed: the keys must be the ones the data was written with.
      KeyCheckFile.verify(files, dir, values.cipher());
      KeyDirectory keydir = new KeyDirectory();
      HybridClock clock = new HybridClock(wall, options.clockOffsetMillis());
      Recovery.Result recovered =
          new Recovery(dir, files, options.recover(), keydir, clock, options.coding()).run();
      checkKeyIdsSeen(recovered.keyIds(), options.coding().keys(), dir);
      values.keyIdsOnDisk(KeyCheckFile.addCurrent(files, dir, values.cipher()));
      AtomicInteger nextId = new AtomicInteger(recovered.maxId() + 1);
      Segment active = recovered.newest();
      if (active == null || active.format() != SegmentHeader.FORMAT_VERSION) {
        // New writes always go to a segment of the current format.
        int id = nextId.getAndIncrement();
        active = SegmentHeader.create(files, dir, id, FileNames.segment(dir, id));
        keydir.addSegment(active);
      }
      Compactor[] compactor = new Compactor[1];
      LogWriter writer =
          new LogWriter(
              dir,
              files,
              keydir,
              clock,
              options,
              active,
              recovered.maxSeq() + 1,
              nextId,
              () -> {
                if (compactor[0] != null) compactor[0].segmentRolled();
              },
              values.cipher());
      BitcaskEngine engine =
          new BitcaskEngine(
              dir, lock, keydir, writer, recovered.report(), options.writerId(), clock, values);
      compactor[0] = new Compactor(dir, files, keydir, writer, clock, options, values);
      engine.compactor = compactor[0];
      engine.expiry = new ActiveExpiry(keydir, writer, clock);
      engine.writerThread.start();
      if (backgroundExpiry) engine.expiry.start();
      return engine;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * A key id found in a scanned record must be in the key file: {@code KEYS} normally says so
   * first, but may have been lost or copied without the segments.
   */
  private static void checkKeyIdsSeen(Set<Integer> seen, EncryptionKeys keys, Path dir)
      throws EncryptionKeyException {
    for (int id : seen) {
      if (keys == null) {
        throw new EncryptionKeyException(
            dir
                + " holds values encrypted under key id "
                + id
                + "; start the node with --encryption-key-file holding it");
      }
      if (keys.key(id) == null) {
        throw new EncryptionKeyException(
            dir
                + " holds values encrypted under key id "
                + id
                + ", which the encryption key file does not hold (it holds "
                + keys.ids()
                + ")");
      }
    }
  }

  @Override
  public int writerId() {
    return writerId;
  }

  @Override
  public long clockMillis() {
    return clock.nowMillis();
  }

  /** The key's live entry, or null when it is not live or has expired by the clock now. */
  private KeyDirEntry live(String key) {
    KeyDirEntry e = keydir.get(key);
    return e == null || expired(e.expiresAt()) ? null : e;
  }

  @Override
  public Optional<Versioned> get(String key) throws IOException {
    assertOffEventLoop();
    for (int attempt = 1; ; attempt++) {
      KeyDirEntry e = live(key);
      if (e == null) return Optional.empty();
      try {
        byte[] value = value(key, e);
        return Optional.of(new Versioned(value, e.version(), e.writer(), e.expiresAt()));
      } catch (ClosedChannelException moved) {
        // Compaction moved the record and deleted its segment between lookup and read.
        if (attempt == READ_ATTEMPTS || e.equals(keydir.get(key))) throw moved;
      }
    }
  }

  @Override
  public Optional<Versioned> getIfCached(String key) {
    return live(key) == null ? Optional.empty() : null;
  }

  @Override
  public Optional<StoredRecord> readRecord(String key) throws IOException {
    assertOffEventLoop();
    return record(key, false);
  }

  /**
   * The key's current record: live, a held tombstone, or (if {@code markers}) a held handoff
   * marker. Each lookup asks for one kind; a write between two lookups may change the key's kind,
   * so a key found in no kind is looked up live once more.
   */
  private Optional<StoredRecord> record(String key, boolean markers) throws IOException {
    for (int attempt = 1; ; attempt++) {
      KeyDirEntry e = keydir.get(key);
      if (e == null) {
        StoredRecord other = notLive(key, markers);
        if (other != null) return Optional.of(other);
        // Between the lookups a write may have made the key live again: look once more.
        e = keydir.get(key);
        if (e == null) return Optional.ofNullable(notLive(key, markers));
      }
      // An expired value is absent, as if never written: it has no tombstone to show.
      if (expired(e.expiresAt())) return Optional.empty();
      try {
        byte[] value = value(key, e);
        return Optional.of(
            StoredRecord.expiring(key, value, e.version(), e.writer(), e.expiresAt()));
      } catch (ClosedChannelException moved) {
        if (attempt == READ_ATTEMPTS || e.equals(keydir.get(key))) throw moved;
      }
    }
  }

  /** The key's held tombstone, or (if {@code markers}) its held marker, or null. */
  private StoredRecord notLive(String key, boolean markers) {
    KeyDirEntry t = keydir.tombstone(key);
    if (t != null) return new StoredRecord(key, null, t.version(), t.writer());
    if (!markers) return null;
    KeyDirEntry h = keydir.handoff(key);
    return h == null ? null : StoredRecord.marker(key, h.version(), h.writer());
  }

  @Override
  public Optional<StoredRecord> readRecordIfCached(String key) {
    KeyDirEntry e = keydir.get(key);
    if (e != null) {
      // Live: its value is on disk, unless it expired.
      return expired(e.expiresAt()) ? Optional.empty() : null;
    }
    KeyDirEntry t = keydir.tombstone(key);
    if (t != null) return Optional.of(new StoredRecord(key, null, t.version(), t.writer()));
    // A put between the two lookups may have made the key live: only the disk path can say.
    return keydir.get(key) == null ? Optional.empty() : null;
  }

  @Override
  public long currentVersion(String key) {
    KeyDirEntry e = live(key);
    return e == null ? 0 : e.version();
  }

  @Override
  public CompletableFuture<PutResult> put(String key, byte[] value, long expiresAt, long epoch) {
    CompletableFuture<PutResult> f = new CompletableFuture<>();
    StoredValues.Encoded v = values.encode(value);
    writer.submit(new WriteOp.Put(key, v.bytes(), v.codec(), expiresAt, epoch, f));
    return f;
  }

  @Override
  public List<CompletableFuture<PutResult>> putAll(
      List<String> keys, List<byte[]> values, long[] expiresAt, long epoch) {
    List<WriteOp.Put> ops = new ArrayList<>(keys.size());
    List<CompletableFuture<PutResult>> puts = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      CompletableFuture<PutResult> f = new CompletableFuture<>();
      long expiry = expiresAt == null ? 0 : expiresAt[i];
      StoredValues.Encoded v = this.values.encode(values.get(i));
      ops.add(new WriteOp.Put(keys.get(i), v.bytes(), v.codec(), expiry, epoch, f));
      puts.add(f);
    }
    writer.submitAll(ops);
    return puts;
  }

  @Override
  public CompletableFuture<Optional<Long>> delete(String key, long epoch) {
    CompletableFuture<Optional<Long>> f = new CompletableFuture<>();
    writer.submit(new WriteOp.Delete(key, epoch, f));
    return f;
  }

  @Override
  public CompletableFuture<TombstoneResult> tombstone(String key, long epoch) {
    CompletableFuture<TombstoneResult> f = new CompletableFuture<>();
    writer.submit(new WriteOp.Tombstone(key, epoch, f));
    return f;
  }

  @Override
  public CompletableFuture<Boolean> importRecord(
      String key,
      byte[] valueOrNull,
      long version,
      int writerOfVersion,
      long expiresAt,
      long epoch) {
    if (!StorageEngine.isImportableVersion(version)) {
      return CompletableFuture.failedFuture(StorageEngine.badImportVersion(version));
    }
    StoredValues.Encoded v = valueOrNull == null ? NO_VALUE : values.encode(valueOrNull);
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    long expiry = valueOrNull == null ? 0 : expiresAt;
    writer.submit(
        new WriteOp.Import(key, v.bytes(), v.codec(), version, writerOfVersion, expiry, epoch, f));
    return f;
  }

  @Override
  public CompletableFuture<Boolean> handoff(
      String key, long version, int writerOfVersion, long epoch) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    writer.submit(new WriteOp.Handoff(key, version, writerOfVersion, epoch, f));
    return f;
  }

  @Override
  public List<CompletableFuture<Boolean>> importAll(List<StoredRecord> records, long epoch) {
    List<WriteOp> ops = new ArrayList<>(records.size());
    List<CompletableFuture<Boolean>> all = new ArrayList<>(records.size());
    for (StoredRecord r : records) {
      CompletableFuture<Boolean> f = new CompletableFuture<>();
      all.add(f);
      if (!StorageEngine.isImportableVersion(r.version())) {
        f.completeExceptionally(StorageEngine.badImportVersion(r.version()));
        continue;
      }
      StoredValues.Encoded v = r.value() == null ? NO_VALUE : values.encode(r.value());
      ops.add(
          new WriteOp.Import(
              r.key(), v.bytes(), v.codec(), r.version(), r.writer(), r.expiresAt(), epoch, f));
    }
    writer.submitAll(ops);
    return all;
  }

  @Override
  public List<CompletableFuture<Boolean>> handoffAll(List<StoredRecord> records, long epoch) {
    List<WriteOp> ops = new ArrayList<>(records.size());
    List<CompletableFuture<Boolean>> all = new ArrayList<>(records.size());
    for (StoredRecord r : records) {
      CompletableFuture<Boolean> f = new CompletableFuture<>();
      all.add(f);
      ops.add(new WriteOp.Handoff(r.key(), r.version(), r.writer(), epoch, f));
    }
    writer.submitAll(ops);
    return all;
  }

  @Override
  public CompletableFuture<Long> fence(long epoch) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    writer.submit(new WriteOp.Fence(epoch, f));
    return f;
  }

  @Override
  public CompletableFuture<Void> open(long epoch, long floor) {
    if (!StorageEngine.isImportableVersion(floor)) {
      return CompletableFuture.failedFuture(StorageEngine.badImportVersion(floor));
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    writer.submit(new WriteOp.Open(epoch, floor, f));
    return f;
  }

  @Override
  public void holdTombstones(boolean hold) {
    compactor.holdTombstones(hold);
  }

  @Override
  public List<Entry> scan(String prefix, String after, int limit) throws IOException {
    assertOffEventLoop();
    String p = prefix == null ? "" : prefix;
    List<Entry> page = new ArrayList<>();
    for (String key : from(keydir.sortedKeys(), p, after)) {
      if (page.size() >= limit || !key.startsWith(p)) break;
      if (live(key) == null) continue; // deleted, handed off or expired: not listed
      Optional<Versioned> v = get(key); // empty if deleted since the walk passed it
      if (v.isPresent()) {
        Versioned found = v.get();
        page.add(new Entry(key, found.value(), found.version(), found.writer(), found.expiresAt()));
      }
    }
    return page;
  }

  @Override
  public List<StoredRecord> scanRecords(
      String prefix, String after, int limit, boolean includeDeleted, Predicate<String> keyFilter)
      throws IOException {
    assertOffEventLoop();
    String p = prefix == null ? "" : prefix;
    List<StoredRecord> page = new ArrayList<>();
    // One sorted set holds every key of every kind, so a key that changes kind under the walk
    // (deleted, handed off, written again) is met exactly once, and read at its state then.
    for (String key : from(keydir.sortedKeys(), p, after)) {
      if (page.size() >= limit || !key.startsWith(p)) break;
      if (keyFilter != null && !keyFilter.test(key)) continue;
      Optional<StoredRecord> r = record(key, includeDeleted);
      if (r.isPresent() && (includeDeleted || !r.get().deleted())) page.add(r.get());
    }
    return page;
  }

  /** {@link #scanRecords}' walk, reading each key's stamp from the key directory, no value. */
  @Override
  public List<KeyStamp> scanStamps(String after, int limit, Predicate<String> keyFilter) {
    assertOffEventLoop();
    List<KeyStamp> page = new ArrayList<>();
    for (String key : from(keydir.sortedKeys(), "", after)) {
      if (page.size() >= limit) break;
      if (keyFilter != null && !keyFilter.test(key)) continue;
      KeyStamp s = stamp(key);
      if (s != null) page.add(s);
    }
    return page;
  }

  /** What {@link #record} finds of {@code key} (markers included), as a stamp. */
  private KeyStamp stamp(String key) {
    KeyDirEntry e = keydir.get(key);
    if (e == null) {
      StoredRecord other = notLive(key, true);
      if (other != null) {
        return new KeyStamp(
            key, other.version(), other.writer(), other.deleted(), other.handedOff());
      }
      // Between the lookups a write may have made the key live again: look once more.
      e = keydir.get(key);
      if (e == null) return null;
    }
    // An expired value is absent, as if never written: it has no tombstone to show.
    if (expired(e.expiresAt())) return null;
    return new KeyStamp(key, e.version(), e.writer(), false, false);
  }

  /** The keys of {@code sorted} from {@code max(prefix, after)}, exclusive of {@code after}. */
  private static NavigableSet<String> from(NavigableSet<String> sorted, String p, String after) {
    return after != null && KeyOrder.compare(after, p) >= 0
        ? sorted.tailSet(after, false)
        : sorted.tailSet(p, true);
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
    return new StorageStats(
        keydir.size(),
        disk,
        keydir.liveBytes(),
        segments,
        0,
        0,
        0,
        0,
        0,
        compactor.compactions(),
        compactor.reclaimedBytes());
  }

  @Override
  public CodecStats codecStats() {
    long pending = 0;
    for (Segment s : keydir.segments()) pending += s.pendingRawBytes();
    return values.stats(pending);
  }

  @Override
  public String writeFailure() {
    return writer.failure();
  }

  @Override
  public CompletableFuture<CompactionResult> compact() {
    return compactor.compact();
  }

  /**
   * Runs {@code task} while no compaction runs (for tests that copy the directory as a crash would
   * leave it).
   */
  void whileCompactionIdle(Runnable task) {
    compactor.runWhileIdle(task);
  }

  /** Runs one active expiry cycle now (tests, with an injected clock); how many keys it expired. */
  int expireNow() {
    return expiry.cycle();
  }

  /** Compacts exactly the closed segments {@code ids}: for tests of partial compactions. */
  CompletableFuture<CompactionResult> compactSegments(List<Integer> ids) {
    return compactor.compact(ids);
  }

  @Override
  public RecoveryReport recoveryReport() {
    return report;
  }

  @Override
  public void startDeferredWork() {
    keydir.buildSortedKeys();
  }

  /** For tests in this package: the key directory and segments. */
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
      expiry.close();
      compactor.close();
      writer.close().get();
      writerThread.join();
      Consumer<BitcaskEngine> check = closing;
      if (check != null) check.accept(this);
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
   * Checks that every key-directory entry points at a record whose CRC, kind, key, seq, version and
   * writer match, that no key is in two maps, that the sorted sets hold exactly the live keys, the
   * tombstones and the markers, and that the live-byte counts add up. For tests; reads the disk.
   * Runs while no compaction does (a compaction swapping entries moves bytes between segments one
   * key at a time); the caller must not write meanwhile.
   */
  void checkInvariants() throws IOException {
    IOException[] failed = new IOException[1];
    try {
      compactor.runWhileIdle(
          () -> {
            try {
              checkInvariantsNow();
            } catch (IOException e) {
              failed[0] = e;
            }
          });
    } catch (RejectedExecutionException closed) {
      checkInvariantsNow();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error r) throw r;
      throw e;
    }
    if (failed[0] != null) throw failed[0];
  }

  private void checkInvariantsNow() throws IOException {
    Map<Integer, Long> live = new HashMap<>();
    for (RecordKind kind : RecordKind.values()) {
      Map<String, KeyDirEntry> map =
          switch (kind) {
            case PUT -> keydir.live();
            case DELETE -> keydir.tombstones();
            case HANDOFF -> keydir.handoffs();
          };
      for (var e : map.entrySet()) {
        read(e.getKey(), e.getValue(), kind);
        live.merge(e.getValue().segmentId(), (long) e.getValue().size(), Long::sum);
        for (RecordKind other : RecordKind.values()) {
          boolean there =
              switch (other) {
                case PUT -> keydir.get(e.getKey()) != null;
                case DELETE -> keydir.tombstone(e.getKey()) != null;
                case HANDOFF -> keydir.handoff(e.getKey()) != null;
              };
          if (other != kind && there) {
            throw new IllegalStateException(e.getKey() + " is both " + kind + " and " + other);
          }
        }
      }
    }
    Set<String> known = new TreeSet<>(keydir.live().keySet());
    known.addAll(keydir.tombstones().keySet());
    known.addAll(keydir.handoffs().keySet());
    if (!new TreeSet<>(keydir.sortedKeys()).equals(known)) {
      throw new IllegalStateException("the sorted keys differ from the keys of the maps");
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

  /** The value of the live record {@code e}: read, its tag checked, decrypted and inflated. */
  private byte[] value(String key, KeyDirEntry e) throws IOException {
    Record r = read(key, e, RecordKind.PUT);
    try {
      return values.decode(r);
    } catch (CorruptRecordException ex) {
      throw damaged(keydir.segment(e.segmentId()), e, ex.getMessage());
    }
  }

  private Record read(String key, KeyDirEntry e, RecordKind kind) throws IOException {
    Segment segment = keydir.segment(e.segmentId());
    if (segment == null) throw new ClosedChannelException();
    ByteBuffer buf = segment.read(e.offset(), e.size());
    Record r;
    try {
      r = RecordCodec.decode(buf, segment.format());
    } catch (CorruptRecordException | UnsupportedRecordException ex) {
      throw damaged(segment, e, ex.getMessage());
    }
    if (!r.key().equals(key)
        || r.kind() != kind
        || r.seq() != e.seq()
        || r.version() != e.version()
        || r.writer() != e.writer()
        || r.expiresAt() != e.expiresAt()) {
      throw damaged(segment, e, "the record there belongs to another key or write");
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

  /** Whether an expiry (0: never) has passed by the clock; reads no clock for 0, the usual case. */
  private boolean expired(long expiresAt) {
    return expiresAt != 0 && expiresAt <= clock.nowMillis();
  }
}
