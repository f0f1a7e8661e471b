package io.pxkv.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.testing.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a compacting child JVM with destroyForcibly() at random points, reopens the store each
 * time, and checks that the live data is exactly what was written before compaction began; also
 * while that compaction deflates values written as given, with and without encryption.
 */
class CompactionCrashIT {
  private static final int KILLS = 22;

  /** Kills inside the first, deflating, compaction of each store (plain, then encrypted). */
  private static final int KILLS_WHILE_DEFLATING = 6;

  /** How long a child may take to reach the point where it is killed. */
  private static final Duration LIFE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void killedCompactionNeverLosesOrResurrectsData() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Map<String, String> expected = CompactionCrashChild.dataset();
    runChild(dir, null, true, 0, "seed " + seed + ", load");
    verify(dir, null, expected, "seed " + seed + " after loading");
    int interrupted = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      String where = "seed " + seed + ", kill " + kill;
      runChild(dir, null, false, random.nextInt(300), where);
      if (!verify(dir, null, expected, where).events().isEmpty()) interrupted++;
    }
    // Recovery only has something to clean up when the kill landed inside a compaction.
    assertTrue(interrupted > 0, "seed " + seed + ": no kill interrupted a compaction");
  }

  /**
   * Each kill lands in the first compaction of a store whose values were written as given: the one
   * that deflates them (and seals them again, encrypted). Each starts from a copy of the loaded
   * store; after the kill and the checks, a compaction in this JVM finishes the job.
   */
  @Test
  void killedWhileDeflatingNeverLosesOrDamagesData() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Map<String, String> expected = CompactionCrashChild.dataset();
    int interrupted = 0;
    for (String keyLine : java.util.Arrays.asList(null, CodecKeys.line(1))) {
      String store = keyLine == null ? "plain" : "encrypted";
      Path loaded = dir.resolve(store);
      runChild(loaded, keyLine, true, 0, "seed " + seed + ", load " + store);
      try (BitcaskEngine e = BitcaskEngine.open(CompactionCrashChild.options(loaded, keyLine))) {
        assertTrue(e.codecStats().pendingRawBytes() > 0, store + ": values wait to be deflated");
      }
      int ops = fileOpsOfTheFirstCompaction(loaded, keyLine, store);
      for (int kill = 0; kill < KILLS_WHILE_DEFLATING; kill++) {
        String where = "seed " + seed + ", " + store + ", kill " + kill + " of " + ops + " ops";
        Path work = dir.resolve(store + "-" + kill);
        copy(loaded, work);
        runChild(work, keyLine, false, random.nextInt(ops), where);
        if (!verify(work, keyLine, expected, where).events().isEmpty()) interrupted++;
        try (BitcaskEngine e = BitcaskEngine.open(CompactionCrashChild.options(work, keyLine))) {
          Bytes.await(e.compact());
          assertEquals(0, e.codecStats().pendingRawBytes(), where);
          assertEveryLargeValueIsDeflated(e, expected, where);
        }
        verify(work, keyLine, expected, where + ", compacted again");
      }
    }
    assertTrue(interrupted > 0, "seed " + seed + ": no kill interrupted a deflating compaction");
  }

  /** Runs the first compaction of a copy of {@code loaded} to its end, counting its file ops. */
  private int fileOpsOfTheFirstCompaction(Path loaded, String keyLine, String where)
      throws Exception {
    Path work = dir.resolve(loaded.getFileName() + "-count");
    copy(loaded, work);
    ChildProcess child = child(work, keyLine, false, where + ", counting");
    long ops;
    try {
      child.start(Pattern.compile("^" + Pattern.quote(CompactionCrashChild.COMPACTED)), LIFE);
      ops =
          child.lines().stream()
              .takeWhile(l -> !l.startsWith(CompactionCrashChild.COMPACTED))
              .filter(l -> l.startsWith(CompactionCrashChild.FILE_OP))
              .count();
    } finally {
      child.kill();
    }
    assertTrue(ops > 10, where + ": " + ops + " file ops");
    try (BitcaskEngine e = BitcaskEngine.open(CompactionCrashChild.options(work, keyLine))) {
      assertEquals(0, e.codecStats().pendingRawBytes(), where + ": deflated them all at once");
    }
    return (int) ops;
  }

  private static void assertEveryLargeValueIsDeflated(
      BitcaskEngine e, Map<String, String> expected, String where) throws Exception {
    int deflated = 0;
    for (var entry : expected.entrySet()) {
      KeyDirEntry at = e.keyDirectory().get(entry.getKey());
      Segment seg = e.keyDirectory().segment(at.segmentId());
      var r = RecordCodec.decode(seg.read(at.offset(), at.size()), seg.format());
      int length = entry.getValue().getBytes(StandardCharsets.UTF_8).length;
      if (length >= CompactionCrashChild.DEFLATE_MIN_BYTES) {
        assertEquals(Deflate.CODEC, r.codec(), where + ": " + entry.getKey());
        deflated++;
      }
    }
    assertTrue(deflated > 10, where + ": " + deflated + " values deflated");
  }

  private static void copy(Path from, Path to) throws IOException {
    java.nio.file.Files.createDirectories(to);
    try (var files = java.nio.file.Files.list(from)) {
      for (Path f : files.toList()) {
        java.nio.file.Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  /**
   * Starts the child and kills it: after its "loaded" line when loading, else after {@code fileOps}
   * announced file operations of its compactions.
   */
  private void runChild(Path dir, String keyLine, boolean load, int fileOps, String where)
      throws Exception {
    ChildProcess child = child(dir, keyLine, load, where);
    try {
      if (load) {
        child.start(Pattern.compile(Pattern.quote(CompactionCrashChild.LOADED)), LIFE);
      } else {
        child.start(
            Pattern.compile("^" + Pattern.quote(CompactionCrashChild.FILE_OP)), fileOps, LIFE);
      }
    } finally {
      child.kill();
    }
  }

  private static ChildProcess child(Path dir, String keyLine, boolean load, String where) {
    List<String> args = new ArrayList<>(List.of(dir.toString()));
    if (load) args.add("load");
    if (keyLine != null) args.add("key=" + keyLine);
    return ChildProcess.java(
        where,
        256,
        List.of("-ea", "-XX:TieredStopAtLevel=1"),
        CompactionCrashChild.class.getName(),
        args,
        Map.of());
  }

  private RecoveryReport verify(
      Path dir, String keyLine, Map<String, String> expected, String where) throws IOException {
    try (BitcaskEngine e = BitcaskEngine.open(CompactionCrashChild.options(dir, keyLine))) {
      assertEquals(0, e.recoveryReport().droppedRecords(), where);
      Map<String, String> actual = new TreeMap<>();
      for (StorageEngine.Entry x : e.scan("", null, 1_000_000)) {
        actual.put(x.key(), new String(x.value(), StandardCharsets.UTF_8));
      }
      assertEquals(expected, actual, where);
      assertEquals(expected.size(), e.size(), where);
      e.checkInvariants();
      return e.recoveryReport();
    }
  }
}
