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
 * time, and checks that the live data is exactly what was written before compaction began.
 */
class CompactionCrashIT {
  private static final int KILLS = 22;

  /** How long a child may take to reach the point where it is killed. */
  private static final Duration LIFE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void killedCompactionNeverLosesOrResurrectsData() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Map<String, String> expected = CompactionCrashChild.dataset();
    runChild(true, 0, "seed " + seed + ", load");
    verify(expected, "seed " + seed + " after loading");
    int interrupted = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      String where = "seed " + seed + ", kill " + kill;
      runChild(false, random.nextInt(300), where);
      if (!verify(expected, where).events().isEmpty()) interrupted++;
    }
    // Recovery only has something to clean up when the kill landed inside a compaction.
    assertTrue(interrupted > 0, "seed " + seed + ": no kill interrupted a compaction");
  }

  /**
   * Starts the child and kills it: after its "loaded" line when loading, else after {@code fileOps}
   * announced file operations of its compactions.
   */
  private void runChild(boolean load, int fileOps, String where) throws Exception {
    List<String> args = new ArrayList<>(List.of(dir.toString()));
    if (load) args.add("load");
    ChildProcess child =
        ChildProcess.java(
            where,
            256,
            List.of("-ea", "-XX:TieredStopAtLevel=1"),
            CompactionCrashChild.class.getName(),
            args,
            Map.of());
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

  private RecoveryReport verify(Map<String, String> expected, String where) throws IOException {
    try (BitcaskEngine e = BitcaskEngine.open(CompactionCrashChild.options(dir))) {
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
