package io.pxkv.node.hints;

import io.pxkv.node.storage.StorageEngine.StoredRecord;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The hints this node holds for others (docs/ARCHITECTURE.md, "Hinted handoff"): writes a replica
 * missed while it was down, sent here by a router, kept until they are handed over. A store of its
 * own, apart from the key-value log: the directory {@code handoff/} of the data directory, one
 * {@link HintLog} file per target node, created with the first hint for it and deleted once every
 * hint in it was delivered.
 *
 * <p>Delivery reads from a cursor per target, in memory: after a restart a file is handed over
 * again from its start, which is harmless (the target keeps the newer of two versions).
 *
 * <p>Bounded: {@link Limits#maxBytes} of files in all (a hint past it is refused, and the target is
 * left to anti-entropy), and {@link Limits#maxAgeMillis}: a hint older than that is dropped instead
 * of delivered, since anti-entropy will have repaired the target by then, or must.
 *
 * <p>Blocking and not thread-safe: {@code HintService} calls it from its one thread. {@link
 * #pending} is the exception: a snapshot any thread may read.
 */
public final class HintStore implements Closeable {
  private static final Logger LOG = Logger.getLogger(HintStore.class.getName());

  /** The directory of the data directory that holds hint files. */
  public static final String DIRECTORY = "handoff";

  /**
   * @param maxBytes hint files may take this many bytes in all
   * @param maxAgeMillis a hint older than this is dropped, not delivered
   */
  public record Limits(long maxBytes, long maxAgeMillis) {
    /** 256 MiB; three hours, as long as Cassandra keeps hints by default. */
    public static final Limits DEFAULT = new Limits(256L << 20, 3L * 60 * 60 * 1000);
  }

  /** What is held for one target: hints not delivered yet, and the bytes of its file. */
  public record Pending(String target, String url, long hints, long bytes) {}

  /** The next hints to hand over to a target, and where the cursor goes once they were. */
  public record Batch(
      String target, String url, List<StoredRecord> records, long end, int expired) {}

  /** A hint refused because the store is at {@link Limits#maxBytes}. */
  public static final class FullException extends IOException {
    FullException(String message) {
      super(message);
    }
  }

  private static final class Target {
    final HintLog log;
    String url;
    long cursor;

    /** Records the cursor passed: delivered or dropped. */
    long passed;

    Target(HintLog log, String url) {
      this.log = log;
      this.url = url;
      this.cursor = log.headerEnd();
    }
  }

  private final Path dir;
  private final Limits limits;
  private final LongSupplier clock;
  private final Map<String, Target> targets = new LinkedHashMap<>();
  private long nextFile = 1;
  private volatile long totalBytes;
  private volatile List<Pending> pending = List.of();
  private volatile long dropped;
  private volatile long tornBytes;

  private HintStore(Path dir, Limits limits, LongSupplier clock) {
    this.dir = dir;
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Opens the hints under {@code dataDir} (none if the directory is absent: it is created with the
   * first hint), truncating torn tails. {@code clock}: wall-clock milliseconds.
   */
  public static HintStore open(Path dataDir, Limits limits, LongSupplier clock) throws IOException {
    HintStore store = new HintStore(dataDir.resolve(DIRECTORY), limits, clock);
    if (Files.isDirectory(store.dir)) store.load();
    store.publish();
    return store;
  }

  private void load() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(HintLog.SUFFIX)).sorted().toList();
    }
    for (Path file : files) {
      nextFile = Math.max(nextFile, number(file) + 1);
      HintLog.Opened o = HintLog.open(file);
      if (o.log() == null) {
        LOG.warning("hint file " + file + " deleted: " + o.deleted());
        continue;
      }
      if (o.tornBytes() > 0) {
        tornBytes += o.tornBytes();
        LOG.warning("hint file " + file + ": a torn tail of " + o.tornBytes() + " bytes cut off");
      }
      if (o.log().records() == 0) {
        // Created, and the node stopped before a hint was in it.
        o.log().close();
        Files.delete(file);
        continue;
      }
      if (targets.containsKey(o.log().target)) {
        // One file per target at a time: a second one is not this store's. Left alone.
        LOG.warning("hint file " + file + " ignored: another file holds hints for the same node");
        o.log().close();
        continue;
      }
      targets.put(o.log().target, new Target(o.log(), o.url()));
      totalBytes += o.log().size();
    }
  }

  private static long number(Path file) {
    String name = file.getFileName().toString();
    try {
      return Long.parseLong(name.substring(0, name.length() - HintLog.SUFFIX.length()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Appends hints for {@code target} (reached at {@code url}); durable after {@link #sync}.
   *
   * @throws FullException when they would take the store past {@link Limits#maxBytes}
   */
  public void append(String target, String url, List<StoredRecord> records) throws IOException {
    long bytes = 0;
    for (StoredRecord r : records) {
      bytes += 64 + r.key().length() * 3L + (r.value() == null ? 0 : r.value().length);
    }
    if (totalBytes + bytes > limits.maxBytes()) {
      throw new FullException(
          "the hint store holds "
              + totalBytes
              + " bytes, its limit is "
              + limits.maxBytes()
              + ": "
              + target
              + " is left to anti-entropy");
    }
    Target t = targets.get(target);
    if (t == null) {
      Files.createDirectories(dir);
      Path file = dir.resolve(String.format("%08d%s", nextFile++, HintLog.SUFFIX));
      t = new Target(HintLog.create(file, target, url), url);
      targets.put(target, t);
      totalBytes += t.log.size();
    }
    t.url = url;
    long before = t.log.size();
    t.log.append(records, clock.getAsLong());
    totalBytes += t.log.size() - before;
    publish();
  }

  /** Makes every hint appended so far durable. */
  public void sync() throws IOException {
    for (Target t : targets.values()) t.log.force();
  }

  /**
   * The next hints for {@code target} after its cursor, up to {@code max} of them and about {@code
   * bytes}; those older than {@link Limits#maxAgeMillis} are left out (counted in {@link
   * Batch#expired}). Null when nothing is pending for it.
   */
  public Batch next(String target, int max, long bytes) throws IOException {
    Target t = targets.get(target);
    if (t == null || t.cursor >= t.log.size()) return null;
    List<HintLog.Read> read = t.log.read(t.cursor, max, bytes);
    long oldest = clock.getAsLong() - limits.maxAgeMillis();
    List<StoredRecord> records = new ArrayList<>(read.size());
    int expired = 0;
    for (HintLog.Read r : read) {
      if (r.createdMillis() < oldest) expired++;
      else records.add(r.record());
    }
    return new Batch(target, t.url, records, read.get(read.size() - 1).end(), expired);
  }

  /**
   * {@code batch} was handed over (or its hints dropped): the cursor moves past it, and a file
   * whose every hint was delivered is deleted.
   */
  public void delivered(Batch batch) throws IOException {
    Target t = targets.get(batch.target());
    if (t == null || batch.end() <= t.cursor) return;
    t.cursor = batch.end();
    t.passed += batch.records().size() + batch.expired();
    dropped += batch.expired();
    if (t.cursor >= t.log.size()) {
      t.log.close();
      Files.delete(t.log.file);
      totalBytes -= t.log.size();
      targets.remove(batch.target());
    }
    publish();
  }

  /** Hints not yet delivered, per target; readable from any thread. */
  public List<Pending> pending() {
    return pending;
  }

  /** Hints dropped for their age since the store was opened. */
  public long dropped() {
    return dropped;
  }

  /** Bytes of torn tails cut off when the store was opened. */
  public long tornBytes() {
    return tornBytes;
  }

  /** Bytes of hint files. */
  public long bytes() {
    return totalBytes;
  }

  private void publish() {
    List<Pending> now = new ArrayList<>(targets.size());
    for (Target t : targets.values()) {
      now.add(
          new Pending(t.log.target, t.url, t.log.records() - t.passed, t.log.size() - t.cursor));
    }
    pending = List.copyOf(now);
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (Target t : targets.values()) {
      try {
        t.log.force();
        t.log.close();
      } catch (IOException e) {
        if (first == null) first = e;
      }
    }
    targets.clear();
    if (first != null) throw first;
  }
}
