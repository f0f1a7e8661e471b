package io.pxkv.node.storage;

import static io.pxkv.node.storage.Bytes.text;
import static io.pxkv.node.storage.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.kv.KeyOrder;
import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.cache.CachingEngine;
import io.pxkv.node.storage.StorageEngine.PutResult;
import io.pxkv.node.storage.StorageEngine.Stamp;
import io.pxkv.node.storage.StorageEngine.StoredRecord;
import io.pxkv.node.storage.StorageEngine.TombstoneResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random operations against a simple model, after bitcask's bitcask_qc_fsm: put, putAll, delete,
 * tombstone, get, readRecord, scan, scanRecords, imports of values and tombstones with foreign
 * versions and writers, handoffs, the epoch gate (fence, open, tagged writes), holding tombstones,
 * time passing beyond the tombstone grace period (an injected clock), and for the disk engine
 * reopen, compact and crash (the directory copied as a killed process leaves it, with a torn tail),
 * with small segments and an eager background compaction policy so that compaction races with
 * writes. Repeatable by seed; the seed and the step are in every failure message.
 *
 * <p>The model knows each key as live, deleted, handed off (a marker, which scans with deleted
 * records list) or absent. A tombstone past the grace period while tombstones were not held, or a
 * marker while they were not held, may have been dropped by compaction: the model then accepts
 * either answer, and learns from it which one happened.
 */
class BitcaskEngineModelTest {
  private static final int OPS = 1500;
  private static final int ME = 7;
  private static final int[] WRITERS = {0, 1, ME, 0xef7260a1, -1};
  private static final long GRACE_MILLIS = TimeUnit.DAYS.toMillis(10);

  @TempDir Path root;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 42, 20260101})
  void diskEngineMatchesTheModel(long seed) throws Exception {
    new Run(seed, true).run();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void memoryEngineMatchesTheModel(long seed) throws Exception {
    new Run(seed, false).run();
  }

  /**
   * What the model knows of a key: a live value, a tombstone (value null), or a handoff marker
   * (value null, {@code marker}).
   */
  private record State(
      String value, long version, int writer, boolean forgettable, boolean marker) {
    State(String value, long version, int writer, boolean forgettable) {
      this(value, version, writer, forgettable, false);
    }

    static State marker(long version, int writer, boolean forgettable) {
      return new State(null, version, writer, forgettable, true);
    }

    boolean deleted() {
      return value == null && !marker;
    }

    boolean live() {
      return value != null;
    }

    State markForgettable() {
      return new State(value, version, writer, true, marker);
    }
  }

  private final class Run {
    final long seed;
    final boolean disk;
    final Random random;
    final ManualClock clock = new ManualClock(1_780_000_000_000L);
    final TreeMap<String, State> model = new TreeMap<>(KeyOrder.UTF8);
    StorageEngine engine;
    Path dir;
    int copies;
    String where = "";
    long maxVersion;
    long fenced;
    long open;
    boolean hold;

    Run(long seed, boolean disk) throws IOException {
      this.seed = seed;
      this.disk = disk;
      this.random = new Random(seed);
      this.dir = root.resolve("data");
      this.engine = openEngine();
    }

    StorageEngine openEngine() throws IOException {
      StorageOptions options =
          StorageOptions.defaults(dir)
              .withSyncMode(SyncMode.NEVER)
              .withSegmentBytes(4096)
              .withWriterId(ME)
              .withTombstoneGraceMillis(GRACE_MILLIS)
              .withCompaction(new CompactionPolicy(true, 0.3, 512, 50));
      if (!disk) return new InMemoryEngine(ME, 0, clock);
      return new CachingEngine(BitcaskEngine.open(options, StorageFiles.DISK, clock), 16 * 1024);
    }

    BitcaskEngine bitcask() {
      return (BitcaskEngine) ((CachingEngine) engine).inner();
    }

    void run() throws Exception {
      try {
        for (int op = 0; op < OPS; op++) {
          where = "seed " + seed + ", op " + op;
          step();
          sweep();
        }
        where = "seed " + seed + " at the end";
        check();
        if (disk) {
          engine.close();
          engine = openEngine();
          where = "seed " + seed + " after the final reopen";
          check();
        }
      } catch (AssertionError e) {
        throw e;
      } catch (Throwable t) {
        throw new AssertionError(where + ": " + t, t);
      } finally {
        engine.close();
      }
    }

    void step() throws Exception {
      String key = randomKey();
      int kind = random.nextInt(100);
      if (kind < 22) {
        put(key, "\"" + "v".repeat(random.nextInt(120)) + where.hashCode() + "\"");
      } else if (kind < 26) {
        putAll();
      } else if (kind < 33) {
        delete(key);
      } else if (kind < 37) {
        tombstone(key);
      } else if (kind < 47) {
        get(key);
      } else if (kind < 51) {
        readRecord(key);
      } else if (kind < 55) {
        scan();
      } else if (kind < 59) {
        scanRecords();
      } else if (kind < 71) {
        importRecord(key);
      } else if (kind < 78) {
        handoff(key);
      } else if (kind < 82) {
        gate();
      } else if (kind < 84) {
        hold = random.nextInt(3) == 0;
        engine.holdTombstones(hold);
      } else if (kind < 87) {
        // Time passes: now and then beyond the grace period of every tombstone so far.
        clock.advance(random.nextInt(4) == 0 ? GRACE_MILLIS + 1000 : 1000, TimeUnit.MILLISECONDS);
      } else if (disk && kind < 90) {
        reopen();
      } else if (disk && kind < 93) {
        crash();
      } else if (disk && kind < 95) {
        compactSome();
      } else if (disk && kind < 97) {
        // A move starts, and lasts past the grace period of every tombstone so far.
        hold = true;
        engine.holdTombstones(true);
        clock.advance(GRACE_MILLIS + 1000, TimeUnit.MILLISECONDS);
        engine.compact().get(30, TimeUnit.SECONDS);
        check();
      } else if (disk) {
        engine.compact().get(30, TimeUnit.SECONDS);
        check();
      }
    }

    /**
     * Tombstones past the grace period while not held, and markers while not held, may be dropped
     * from now on.
     */
    void sweep() {
      if (hold) return;
      long now = clock.micros();
      for (Map.Entry<String, State> e : model.entrySet()) {
        State s = e.getValue();
        if (s.forgettable()) continue;
        if (s.marker() || (s.deleted() && now - s.version() >= GRACE_MILLIS * 1000)) {
          e.setValue(s.markForgettable());
        }
      }
    }

    String randomKey() {
      // U+FFFD and U+1F600 sort one way in UTF-8 and the other way in UTF-16.
      String[] prefixes = {"a", "ab", "b", "user:", "\u00e9/", "\uFFFD", "\uD83D\uDE00"};
      return prefixes[random.nextInt(prefixes.length)] + random.nextInt(12);
    }

    /** An epoch tag: mostly none, else the open epoch or one the gate refuses. */
    long randomTag() {
      return switch (random.nextInt(6)) {
        case 0 -> open + 1;
        case 1 -> Math.max(0, fenced - 1);
        case 2, 3 -> open;
        default -> 0;
      };
    }

    boolean refused(long tag) {
      return tag != 0 && (tag < fenced || tag > open);
    }

    void assertStale(CompletableFuture<?> f, String what) {
      try {
        f.get(30, TimeUnit.SECONDS);
        throw new AssertionError(where + ": " + what + " was let through the gate");
      } catch (ExecutionException e) {
        assertTrue(
            e.getCause() instanceof KvException k && k.code() == ErrorCode.STALE_VIEW,
            where + ": " + e.getCause());
      } catch (Exception e) {
        throw new AssertionError(where, e);
      }
    }

    <T> T await(CompletableFuture<T> f) {
      try {
        return f.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError(where + ": a write failed", e);
      }
    }

    boolean live(String key) {
      State s = model.get(key);
      return s != null && s.live();
    }

    void issued(long version) {
      assertTrue(version > maxVersion, where + ": version " + version + " > " + maxVersion);
      maxVersion = version;
    }

    void put(String key, String value) {
      long tag = randomTag();
      CompletableFuture<PutResult> f = engine.put(key, utf8(value), tag);
      if (refused(tag)) {
        assertStale(f, "put tagged " + tag);
        return;
      }
      PutResult r = await(f);
      assertEquals(!live(key), r.created(), where);
      issued(r.version());
      model.put(key, new State(value, r.version(), ME, false));
    }

    void putAll() {
      long tag = randomTag();
      List<String> keys = new ArrayList<>();
      List<byte[]> values = new ArrayList<>();
      int n = 1 + random.nextInt(4);
      for (int i = 0; i < n; i++) {
        keys.add(randomKey());
        values.add(utf8("\"batch " + i + " " + where.hashCode() + "\""));
      }
      List<CompletableFuture<PutResult>> fs = engine.putAll(keys, values, tag);
      for (int i = 0; i < n; i++) {
        if (refused(tag)) {
          assertStale(fs.get(i), "putAll tagged " + tag);
          continue;
        }
        PutResult r = await(fs.get(i));
        assertEquals(!live(keys.get(i)), r.created(), where + " putAll " + i);
        issued(r.version());
        model.put(keys.get(i), new State(text(values.get(i)), r.version(), ME, false));
      }
    }

    void delete(String key) {
      long tag = randomTag();
      CompletableFuture<Optional<Long>> f = engine.delete(key, tag);
      if (refused(tag)) {
        assertStale(f, "delete tagged " + tag);
        return;
      }
      Optional<Long> v = await(f);
      assertEquals(live(key), v.isPresent(), where + " delete " + key);
      if (v.isPresent()) {
        issued(v.get());
        model.put(key, new State(null, v.get(), ME, false));
      }
    }

    void tombstone(String key) {
      long tag = randomTag();
      CompletableFuture<TombstoneResult> f = engine.tombstone(key, tag);
      if (refused(tag)) {
        assertStale(f, "tombstone tagged " + tag);
        return;
      }
      TombstoneResult r = await(f);
      State s = model.get(key);
      Optional<Stamp> expected =
          s == null || s.marker()
              ? Optional.empty()
              : Optional.of(new Stamp(s.version(), s.writer(), s.deleted()));
      if (s != null && s.forgettable() && r.previous().isEmpty()) expected = Optional.empty();
      assertEquals(expected, r.previous(), where + " tombstone " + key);
      issued(r.version());
      model.put(key, new State(null, r.version(), ME, false));
    }

    void importRecord(String key) {
      State known = model.get(key);
      State s = known == null || known.marker() ? null : known; // a marker never blocks
      long version;
      int writer = WRITERS[random.nextInt(WRITERS.length)];
      if (known != null && random.nextInt(4) != 0) {
        version = known.version() + random.nextInt(3) - 1;
        if (random.nextBoolean()) writer = known.writer();
      } else {
        version = clock.micros() + random.nextInt(2_000_000) - 1_000_000;
      }
      if (random.nextInt(30) == 0) version = -random.nextInt(2);
      String value = random.nextInt(4) == 0 ? null : "\"imported " + where.hashCode() + "\"";
      long tag = randomTag();
      CompletableFuture<Boolean> f =
          engine.importRecord(key, value == null ? null : utf8(value), version, writer, tag);
      if (refused(tag)) {
        assertStale(f, "import tagged " + tag);
        return;
      }
      boolean wrote = await(f);
      boolean newer =
          version > 0
              && (s == null || WriteOrder.compare(version, writer, s.version(), s.writer()) > 0);
      boolean forgotten = s != null && s.forgettable() && !newer && wrote && version > 0;
      if (!forgotten) {
        assertEquals(newer, wrote, where + " import " + key + " v" + version + " w" + writer);
      }
      if (wrote) model.put(key, new State(value, version, writer, false));
      maxVersion = Math.max(maxVersion, version);
    }

    void handoff(String key) {
      State s = model.get(key);
      long version = s != null && random.nextInt(4) != 0 ? s.version() : clock.micros();
      int writer = s != null && random.nextInt(4) != 0 ? s.writer() : WRITERS[random.nextInt(5)];
      long tag = randomTag();
      CompletableFuture<Boolean> f = engine.handoff(key, version, writer, tag);
      if (refused(tag)) {
        assertStale(f, "handoff tagged " + tag);
        return;
      }
      boolean handedOff = await(f);
      boolean matches = s != null && !s.marker() && s.version() == version && s.writer() == writer;
      if (matches && !handedOff && s.forgettable()) {
        model.remove(key); // the tombstone was dropped
        return;
      }
      assertEquals(matches, handedOff, where + " handoff " + key);
      if (handedOff) model.put(key, State.marker(version, writer, !hold));
    }

    void gate() {
      if (random.nextInt(3) == 0) {
        long epoch = random.nextBoolean() ? fenced + 1 : Math.max(0, fenced - 1);
        long reading = await(engine.fence(epoch));
        issued(reading);
        fenced = Math.max(fenced, epoch);
      } else {
        long epoch = Math.max(fenced, open) + 1;
        long reading = await(engine.fence(epoch));
        issued(reading);
        fenced = epoch;
        long floor = reading + random.nextInt(1000);
        await(engine.open(epoch, floor));
        open = epoch;
        maxVersion = Math.max(maxVersion, floor);
      }
    }

    void get(String key) throws IOException {
      Optional<StorageEngine.Versioned> got = engine.get(key);
      State s = model.get(key);
      if (s == null || !s.live()) {
        assertEquals(Optional.empty(), got.map(g -> text(g.value())), where + " get " + key);
      } else {
        assertEquals(s.value(), got.map(g -> text(g.value())).orElse(null), where);
        assertEquals(s.version(), got.get().version(), where);
        assertEquals(s.writer(), got.get().writer(), where);
      }
    }

    void readRecord(String key) throws IOException {
      Optional<StoredRecord> got = engine.readRecord(key);
      State s = model.get(key);
      if (s != null && s.marker()) {
        assertEquals(Optional.empty(), got.map(this::describe), where + " a marker is absent");
        return;
      }
      if (s != null && s.forgettable() && got.isEmpty()) {
        model.remove(key);
        return;
      }
      assertEquals(describe(key, s), got.map(this::describe), where + " readRecord " + key);
    }

    Optional<String> describe(String key, State s) {
      if (s == null) return Optional.empty();
      String what = s.marker() ? "MARKER" : s.value();
      return Optional.of(key + "=" + what + "@" + s.version() + "/" + s.writer());
    }

    String describe(StoredRecord r) {
      String what = r.handedOff() ? "MARKER" : r.deleted() ? null : text(r.value());
      return r.key() + "=" + what + "@" + r.version() + "/" + r.writer();
    }

    void scan() throws IOException {
      String prefix = random.nextBoolean() ? "" : randomKey().substring(0, 1);
      String after = random.nextBoolean() ? null : randomKey();
      int limit = 1 + random.nextInt(8);
      List<String> expected = new ArrayList<>();
      for (var e : model.tailMap(prefix, true).entrySet()) {
        if (!e.getKey().startsWith(prefix) || expected.size() == limit) break;
        if (!e.getValue().live()) continue;
        if (after == null || KeyOrder.compare(e.getKey(), after) > 0) expected.add(e.getKey());
      }
      List<String> got = new ArrayList<>();
      for (StorageEngine.Entry e : engine.scan(prefix, after, limit)) {
        got.add(e.key());
        assertEquals(model.get(e.key()).value(), text(e.value()), where);
        assertEquals(model.get(e.key()).writer(), e.writer(), where);
      }
      assertEquals(expected, got, where + " scan(" + prefix + ", " + after + ", " + limit + ")");
    }

    void scanRecords() throws IOException {
      String prefix = random.nextBoolean() ? "" : randomKey().substring(0, 1);
      String after = random.nextBoolean() ? null : randomKey();
      int limit = 1 + random.nextInt(10);
      boolean deleted = random.nextBoolean();
      int odd = random.nextInt(3);
      Predicate<String> filter = odd == 0 ? null : k -> (k.hashCode() & 1) == odd - 1;
      List<StoredRecord> got = engine.scanRecords(prefix, after, limit, deleted, filter);
      String call = " scanRecords(" + prefix + ", " + after + ", " + limit + ", " + deleted + ")";
      for (int i = 1; i < got.size(); i++) {
        assertTrue(
            KeyOrder.compare(got.get(i - 1).key(), got.get(i).key()) < 0, where + call + ": order");
      }
      Set<String> seen = new HashSet<>();
      for (StoredRecord r : got) {
        seen.add(r.key());
        assertTrue(r.key().startsWith(prefix), where + call);
        assertTrue(after == null || KeyOrder.compare(r.key(), after) > 0, where + call);
        assertTrue(filter == null || filter.test(r.key()), where + call);
        assertTrue(deleted || (!r.deleted() && !r.handedOff()), where + call);
        assertEquals(describe(r.key(), model.get(r.key())), Optional.of(describe(r)), where + call);
      }
      // Every key the model is sure of, up to where the page stopped, is on it.
      boolean full = got.size() == limit;
      String last = got.isEmpty() ? null : got.get(got.size() - 1).key();
      for (var e : List.copyOf(model.entrySet())) {
        String k = e.getKey();
        State s = e.getValue();
        boolean inRange =
            k.startsWith(prefix)
                && (after == null || KeyOrder.compare(k, after) > 0)
                && (filter == null || filter.test(k))
                && (deleted || s.live())
                && (!full || KeyOrder.compare(k, last) <= 0);
        if (!inRange || seen.contains(k)) continue;
        assertTrue(s.forgettable(), where + call + " left out " + k);
        model.remove(k); // a dropped tombstone or marker
      }
    }

    /** Compacts one closed segment, or two: what the background policy does, more often. */
    void compactSome() throws Exception {
      List<Integer> closed = new ArrayList<>();
      int active = -1;
      for (Segment seg : bitcask().keyDirectory().segments()) active = Math.max(active, seg.id());
      for (Segment seg : bitcask().keyDirectory().segments()) {
        if (seg.id() != active) closed.add(seg.id());
      }
      if (closed.isEmpty()) return;
      List<Integer> picked = new ArrayList<>();
      picked.add(closed.get(random.nextInt(closed.size())));
      int other = closed.get(random.nextInt(closed.size()));
      if (random.nextBoolean() && !picked.contains(other)) picked.add(other);
      bitcask().compactSegments(picked).get(30, TimeUnit.SECONDS);
    }

    void reopen() throws IOException {
      engine.close();
      engine = openEngine();
      forgetGate();
      check();
    }

    /** Copies the directory as a process killed now leaves it, plus a torn append, and opens it. */
    void crash() throws IOException {
      Path copy = root.resolve("crash-" + copies++);
      Files.createDirectories(copy);
      bitcask()
          .whileCompactionIdle(
              () -> {
                try (Stream<Path> files = Files.list(dir)) {
                  for (Path f : files.toList()) {
                    if (f.getFileName().toString().equals(FileNames.LOCK)) continue;
                    Files.copy(f, copy.resolve(f.getFileName()));
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      try (Stream<Path> files = Files.list(copy)) {
        Path newest =
            files
                .filter(p -> p.toString().endsWith(FileNames.SEGMENT_SUFFIX))
                .max(Comparator.comparing(Path::toString))
                .orElseThrow();
        byte[] torn = new byte[1 + random.nextInt(60)];
        random.nextBytes(torn);
        Files.write(newest, torn, StandardOpenOption.APPEND);
      }
      engine.close();
      dir = copy;
      engine = openEngine();
      assertEquals(1, bitcask().recoveryReport().tornRecords(), where + ": the torn append");
      forgetGate();
      check();
    }

    /**
     * The gate and the hold are not persisted: a new engine starts with neither. Nor are clock
     * readings, floors, skipped imports and records compaction dropped: the new clock starts above
     * the versions on disk, which include those of every key's current state.
     */
    void forgetGate() {
      fenced = 0;
      open = 0;
      hold = false;
      maxVersion = 0;
      for (State s : model.values()) {
        if (!s.forgettable()) maxVersion = Math.max(maxVersion, s.version());
      }
    }

    void check() throws IOException {
      long liveKeys = 0;
      for (String key : List.copyOf(model.keySet())) {
        get(key);
        readRecord(key);
        if (live(key)) liveKeys++;
      }
      assertEquals(liveKeys, engine.size(), where + ": size");
      List<String> all = new ArrayList<>();
      String after = null;
      while (true) {
        List<StorageEngine.Entry> page = engine.scan("", after, 7);
        if (page.isEmpty()) break;
        for (StorageEngine.Entry e : page) all.add(e.key());
        after = page.get(page.size() - 1).key();
      }
      List<String> expected = new ArrayList<>();
      model.forEach(
          (k, s) -> {
            if (s.live()) expected.add(k);
          });
      assertEquals(expected, all, where + ": paging lists every key once, in UTF-8 order");
      if (disk) bitcask().checkInvariants();
    }
  }
}
