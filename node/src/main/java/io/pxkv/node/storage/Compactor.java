package io.pxkv.node.storage;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.node.storage.SegmentScanner.Step;
import io.pxkv.node.storage.WriteOp.RollResult;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Rewrites closed segments without their dead records, on its own thread {@code kv-compact}, while
 * reads and writes go on. One compaction at a time; triggered by the {@link CompactionPolicy}
 * (periodically and after each roll-over) or by {@link #compact()}.
 *
 * <p>Values are written as given and deflated here, as they are copied ({@link CompactionOutput}):
 * the active segment is the log, closed segments get compressed. Closed segments holding enough
 * values that wait for it are compacted for that alone ({@link CompactionPolicy}), paced: after
 * such a run, the next one waits at least as long as it took, so that deflating takes at most about
 * half of one core away from the writer and the readers; while enough is waiting, a run is
 * scheduled for then rather than for the next check. An active segment that took no write for a
 * check interval counts as closed for this (the run rolls it over first), so that the tail of a
 * data set written once is deflated too.
 *
 * <p>Steps, each safe to crash after (see docs/STORAGE.md):
 *
 * <ol>
 *   <li>Ask the writer to reserve output ids and roll, so that outputs are older than the active
 *       segment (recovery only forgives a torn tail in the newest segment).
 *   <li>Copy every record the key directory still points at (found by walking the directory, so
 *       dead records are never read), with its seq, version and writer, into {@code *.tmp} outputs
 *       with their hints. A tombstone younger than the grace period, or any tombstone or handoff
 *       marker while they are held (a move runs), is copied; an older tombstone, and a marker when
 *       not held, only while a segment outside the inputs may hold an older record of the key.
 *   <li>Publish: fsync, rename data then hint into place, fsync the directory.
 *   <li>Swap key-directory entries that still point at the copied record; a newer write wins.
 *   <li>Publish {@code MERGE} listing the inputs, delete them, delete {@code MERGE}. (Unless
 *       tombstones and markers were held while this ran and some were left out: then the inputs
 *       stay, with them, until a later compaction.)
 * </ol>
 */
final class Compactor {
  private static final System.Logger LOG = System.getLogger(Compactor.class.getName());

  private final Path dir;
  private final StorageFiles files;
  private final KeyDirectory keydir;
  private final LogWriter writer;
  private final CompactionPolicy policy;
  private final long segmentBytes;
  private final HybridClock clock;
  private final long graceMicros;
  private final ScheduledExecutorService thread;
  private final StoredValues values;

  /** Guards {@link #hold} and {@link #holdsStarted} against the forgetting of tombstones. */
  private final Object holdLock = new Object();

  private volatile boolean hold;
  // Written on kv-compact only, read by stats() on any thread.
  private volatile long compactions;
  private volatile long reclaimedBytes;
  private long holdsStarted; // guarded by holdLock; read without it only to detect a change

  // Pacing of compactions picked for their raw bytes; kv-compact only.
  private long nextRawRunNanos = System.nanoTime();
  private boolean rawRunScheduled;
  // The active segment as last seen, to tell when it stopped taking writes; kv-compact only.
  private int activeSeenId = -1;
  private long activeSeenSize;
  private long activeSeenNanos;

  Compactor(
      Path dir,
      StorageFiles files,
      KeyDirectory keydir,
      LogWriter writer,
      HybridClock clock,
      StorageOptions options,
      StoredValues values) {
    this.values = values;
    this.dir = dir;
    this.files = files;
    this.keydir = keydir;
    this.writer = writer;
    this.policy = options.compaction();
    this.segmentBytes = options.segmentBytes();
    this.clock = clock;
    long grace = options.tombstoneGraceMillis();
    this.graceMicros = grace > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : grace * 1000;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kv-compact");
              t.setDaemon(true);
              return t;
            });
    if (policy.enabled()) {
      long every = policy.checkIntervalMillis();
      thread.scheduleWithFixedDelay(this::compactByPolicy, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /** Compactions that rewrote segments since the engine opened. */
  long compactions() {
    return compactions;
  }

  /** Disk bytes those compactions freed. */
  long reclaimedBytes() {
    return reclaimedBytes;
  }

  /** Compacts every closed segment (and the active one, after rolling it over). */
  CompletableFuture<CompactionResult> compact() {
    try {
      return CompletableFuture.supplyAsync(() -> run(true), thread);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new KvException(ErrorCode.UNAVAILABLE, "the storage engine is closed"));
    }
  }

  /** Compacts exactly the given closed segments; for tests of partial compactions. */
  CompletableFuture<CompactionResult> compact(List<Integer> ids) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            List<Segment> inputs = new ArrayList<>();
            for (int id : ids) {
              Segment s = keydir.segment(id);
              if (s != null) inputs.add(s); // else compacted away meanwhile
            }
            return inputs.isEmpty() ? CompactionResult.NOTHING : rewrite(inputs);
          } catch (IOException e) {
            throw new CompletionException(e);
          }
        },
        thread);
  }

  /**
   * While on, every tombstone is copied whatever its age, and every handoff marker. Turning it on
   * waits for a compaction that is forgetting the tombstones and markers it left out (in memory,
   * short); one that left any out and has not got there yet keeps them, and its inputs (see {@link
   * #rewrite}).
   */
  void holdTombstones(boolean on) {
    synchronized (holdLock) {
      if (on && !hold) holdsStarted++;
      hold = on;
    }
  }

  /** Runs {@code task} on {@code kv-compact}, so that no compaction runs meanwhile; for tests. */
  void runWhileIdle(Runnable task) {
    CompletableFuture.runAsync(task, thread).join();
  }

  /** Called after a roll-over: checks the policy on {@code kv-compact}. */
  void segmentRolled() {
    if (!policy.enabled()) return;
    try {
      thread.execute(this::compactByPolicy);
    } catch (RejectedExecutionException e) {
      // Closing: the roll-over itself must not fail because no compaction can follow it.
    }
  }

  void close() throws InterruptedException {
    thread.shutdown(); // no interrupt: it would close the channels of a running compaction
    thread.awaitTermination(1, TimeUnit.MINUTES);
  }

  private void compactByPolicy() {
    try {
      run(false);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "background compaction failed; will retry at the next check",
          e);
      return;
    }
    if (rawRunScheduled
        || writer.failure() != null
        || !policy.enoughToDeflate(closedSegments(), segmentBytes)) {
      return;
    }
    long delay = Math.max(0, nextRawRunNanos - System.nanoTime());
    try {
      thread.schedule(
          () -> {
            rawRunScheduled = false;
            compactByPolicy();
          },
          delay,
          TimeUnit.NANOSECONDS);
      rawRunScheduled = true;
    } catch (RejectedExecutionException e) {
      // Closing.
    }
  }

  /** The active segment if it took no write for a check interval, else null. */
  private Segment idleActive(long now) {
    Segment active = writer.active();
    if (active.id() != activeSeenId || active.size() != activeSeenSize) {
      activeSeenId = active.id();
      activeSeenSize = active.size();
      activeSeenNanos = now;
      return null;
    }
    boolean idle =
        now - activeSeenNanos >= TimeUnit.MILLISECONDS.toNanos(policy.checkIntervalMillis());
    return idle ? active : null;
  }

  private List<Segment> closedSegments() {
    int activeId = writer.active().id();
    List<Segment> closed = new ArrayList<>();
    for (Segment s : keydir.segments()) if (s.id() != activeId) closed.add(s);
    return closed;
  }

  private CompactionResult run(boolean all) {
    try {
      CompactionResult result = compact(all);
      if (result.segmentsIn() + result.segmentsOut() > 0) {
        compactions++;
        reclaimedBytes += result.bytesReclaimed();
      }
      return result;
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  private CompactionResult compact(boolean all) throws IOException {
    if (writer.failure() != null) return CompactionResult.NOTHING;
    if (all) return rewrite(null);
    List<Segment> closed = closedSegments();
    long start = System.nanoTime();
    boolean rawAllowed = start - nextRawRunNanos >= 0;
    List<Segment> picked = policy.pick(closed, idleActive(start), segmentBytes, rawAllowed);
    if (picked.isEmpty()) return CompactionResult.NOTHING;
    boolean forRaw = false;
    for (Segment s : picked) forRaw |= !policy.shouldCompact(s.size(), s.liveBytes());
    CompactionResult result = rewrite(picked);
    if (forRaw) {
      long end = System.nanoTime();
      nextRawRunNanos = end + (end - start);
    }
    return result;
  }

  /** Compacts {@code chosen} closed segments, or all segments (after a roll-over) when null. */
  private CompactionResult rewrite(List<Segment> chosen) throws IOException {
    boolean all = chosen == null;
    List<Segment> inputs = all ? new ArrayList<>() : chosen;
    int reserve = (all ? keydir.segments().size() : inputs.size()) + 1;
    CompletableFuture<RollResult> rolled = new CompletableFuture<>();
    writer.submit(new WriteOp.Roll(reserve, rolled));
    RollResult roll = rolled.join();
    if (all) {
      for (Segment s : keydir.segments()) if (s.id() < roll.active()) inputs.add(s);
    }
    Set<Integer> inputIds = new HashSet<>();
    for (Segment s : inputs) inputIds.add(s.id());
    // Every record outside the inputs has a seq of at least this; records appended from now on
    // (in the active segment and later) have larger seqs than any record of the inputs.
    long floor = Long.MAX_VALUE;
    for (Segment s : keydir.segments()) {
      if (s.id() < roll.active() && !inputIds.contains(s.id())) floor = Math.min(floor, s.minSeq());
    }
    long holdsBefore;
    synchronized (holdLock) {
      holdsBefore = holdsStarted;
    }
    CompactionOutput output =
        new CompactionOutput(
            dir, files, roll.firstReserved(), roll.reserved(), segmentBytes, values);
    Map<Integer, long[]> offsets = keydir.recordOffsets(inputIds);
    try {
      long now = clock.nowMicros();
      for (Segment s : inputs) copyLive(s, offsets.get(s.id()), floor, now, output);
      output.publish();
    } catch (IOException | RuntimeException e) {
      output.abandon();
      throw e;
    }
    for (Segment s : output.segments()) keydir.addSegment(s);
    boolean keepInputs;
    synchronized (holdLock) {
      // Tombstones and markers were held while this ran: those left out stay in the inputs, which
      // stay.
      keepInputs = holdsStarted != holdsBefore && output.droppedAny();
      output.swapInto(keydir, keepInputs);
    }
    if (keepInputs) return new CompactionResult(0, output.segments().size(), 0);
    CompactionResult result = deleteInputs(inputs, output);
    if (all && values.cipher() != null) {
      // Every record older than the roll was re-sealed under the current key, and every later one
      // was sealed with it: the old keys are no longer needed (docs/OPERATIONS.md, key rotation).
      KeyCheckFile.retainCurrent(files, dir, values.cipher());
      values.keyIdsOnDisk(List.of(values.cipher().currentId()));
    }
    return result;
  }

  /**
   * Whether a current tombstone must be copied: while held, while younger than the grace period (by
   * its version against the clock), or while a segment outside the inputs may hold an older record
   * of its key (seq at or above {@code floor}).
   */
  private boolean keepTombstone(long seq, long version, long floor, long nowMicros) {
    return hold || nowMicros - version < graceMicros || seq >= floor;
  }

  /** Copies the records at {@code offsets} (sorted) that are still current. */
  private void copyLive(
      Segment input, long[] offsets, long floor, long nowMicros, CompactionOutput output)
      throws IOException {
    try (FileChannel channel = files.openRead(input.path())) {
      SegmentScanner scanner = new SegmentScanner(channel, input, input.size());
      for (long pos : offsets) {
        Step step = scanner.read(pos);
        if (step.problem() != null) {
          // The key directory only points at records that were whole when written or recovered.
          throw new IOException(
              "record at byte "
                  + pos
                  + " of "
                  + input
                  + " is damaged ("
                  + step.problem()
                  + "); compaction left the segment as it was");
        }
        var r = step.record();
        KeyDirEntry at =
            new KeyDirEntry(
                input.id(), pos, step.size(), r.seq(), r.version(), r.writer(), r.expiresAt());
        if (!keydir.isCurrent(r.key(), at, r.kind())) continue;
        boolean expired = StorageEngine.expired(r.expiresAt(), nowMicros / 1000);
        boolean keep =
            switch (r.kind()) {
              // An expired value goes once no older record of its key may remain outside: else
              // that record would be the key's state at the next restart.
              case PUT -> !expired || r.seq() >= floor;
              // An expiry tombstone only hides older records at restart: it blocks no move.
              case DELETE ->
                  r.expiresAt() != 0
                      ? r.seq() >= floor
                      : keepTombstone(r.seq(), r.version(), floor, nowMicros);
              // A listing taken while keys move needs the marker: the key left, and says so.
              case HANDOFF -> hold || r.seq() >= floor;
            };
        if (keep) {
          output.copy(r, at);
        } else {
          output.drop(r.key(), at, r.kind());
        }
      }
    }
  }

  private CompactionResult deleteInputs(List<Segment> inputs, CompactionOutput output)
      throws IOException {
    List<Integer> ids = new ArrayList<>();
    long inBytes = 0;
    for (Segment s : inputs) {
      ids.add(s.id());
      inBytes += s.size();
    }
    MergeManifest.publish(files, dir, ids);
    for (Segment s : inputs) {
      keydir.removeSegment(s);
      s.retire();
      files.delete(FileNames.hintOf(dir, s.id(), s.format()));
      files.delete(s.path());
    }
    files.syncDirectory(dir);
    files.delete(dir.resolve(FileNames.MERGE));
    files.syncDirectory(dir);
    long outBytes = 0;
    for (Segment s : output.segments()) outBytes += s.size();
    return new CompactionResult(inputs.size(), output.segments().size(), inBytes - outBytes);
  }
}
