package io.pxkv.router.it;

import static org.junit.jupiter.api.Assertions.fail;

import io.pxkv.router.it.JudgedOps.Outcome;
import io.pxkv.router.it.JudgedOps.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MoveModelIT}'s seeded random walk on a cluster that keeps three copies of every key (N=3,
 * W=2, R=2): single-key puts, gets and deletes judged against a model after every step, nodes added
 * and removed in the cluster file without waiting for the move (so a file often changes back
 * mid-move), kill -9 and restart of the router, kill -9 of a node restarted some steps later, short
 * pauses. Three to five nodes, starting with three.
 *
 * <p>With every node up, no call may fail (a 503 is allowed only while a node is down). A PUT's 201
 * or 200, and a DELETE's 200 or 404, must say whether the key existed when the model knows. At the
 * end, with every node back and the move settled: every key read through the router is as the model
 * says, and every member of every key's replica set in the final layout holds the key's last
 * acknowledged state, read from the nodes themselves (hinted handoff and anti-entropy may still be
 * finishing what a killed node missed, so that is waited for).
 *
 * <p>Seeds: {@code -Dpxkv.seeds=7,8,9}, or {@link #DEFAULT_SEEDS}.
 */
class ReplicatedMoveModelIT {
  private static final long[] DEFAULT_SEEDS = {1};
  private static final int STEPS = 150;
  private static final int KEY_SPACE = 200;
  private static final int BACKGROUND_KEYS = 1_500;
  private static final long KEYS_PER_SECOND = 1_000;
  private static final int REPLICAS = 3;
  private static final int MIN_MEMBERS = 3;
  private static final List<String> ALL = List.of("node-1", "node-2", "node-3", "node-4", "node-5");

  static Stream<Long> seeds() {
    String given = System.getProperty("pxkv.seeds", "").trim();
    if (given.isEmpty()) return Arrays.stream(DEFAULT_SEEDS).boxed();
    return Arrays.stream(given.split(",")).map(String::trim).map(Long::parseLong);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomStepsNeverLoseAnAcknowledgedWrite(long seed, @TempDir Path dir) throws Exception {
    try (MoveCluster cluster = new MoveCluster(dir, KEYS_PER_SECOND, ALL.toArray(String[]::new))) {
      new Walk(seed, cluster).run();
    }
  }

  /** One seed's steps, model and log. */
  private static final class Walk {
    private final long seed;
    private final Random random;
    private final MoveCluster cluster;
    private final Map<String, Expectation> model = new LinkedHashMap<>();
    private final TreeSet<String> members = new TreeSet<>(List.of("node-1", "node-2", "node-3"));
    private final List<String> log = new ArrayList<>();
    private final Tally tally = new Tally();
    private final long started = System.nanoTime();
    private String downNode;
    private int restartAt;
    private int step;
    private int firstFailure = -1;

    Walk(long seed, MoveCluster cluster) {
      this.seed = seed;
      this.random = new Random(seed);
      this.cluster = cluster;
    }

    void run() throws Exception {
      cluster.startNodes(ALL.toArray(String[]::new));
      cluster.replicate(REPLICAS, 2, 2);
      cluster.writeCluster(List.copyOf(members));
      cluster.startRouter();
      Map<String, String> background = new LinkedHashMap<>();
      for (int i = 0; i < BACKGROUND_KEYS; i++) background.put("bg-" + i, "bg-" + i + ":0");
      cluster.importThroughRouterInSlices(background);
      background.forEach((k, v) -> model.put(k, Expectation.value(v)));
      for (int i = 0; i < KEY_SPACE; i++) model.put("m-" + i, Expectation.absent());

      for (step = 1; step <= STEPS; step++) {
        if (downNode != null && step >= restartAt) restartDownNode();
        int dice = random.nextInt(100);
        if (dice < 30) put();
        else if (dice < 58) get();
        else if (dice < 70) delete();
        else if (dice < 80) changeConfig();
        else if (dice < 83) restartRouter();
        else if (dice < 86 && downNode == null) killNode();
        else pause();
      }
      if (downNode != null) restartDownNode();
      finish();
    }

    // ---- steps

    private String randomKey() {
      return "m-" + random.nextInt(KEY_SPACE);
    }

    private void put() {
      String key = randomKey();
      String value = key + ":s" + step;
      judge(
          "PUT " + key + "=" + value,
          key,
          JudgedOps.put(cluster.http, port(), key, value, model.get(key), true));
    }

    /** A key of the walk, or one in three times a key loaded first and never written since. */
    private void get() {
      String key = random.nextInt(3) == 0 ? "bg-" + random.nextInt(BACKGROUND_KEYS) : randomKey();
      judge("GET " + key, key, JudgedOps.get(cluster.http, port(), key, model.get(key)));
    }

    private void delete() {
      String key = randomKey();
      judge("DELETE " + key, key, JudgedOps.delete(cluster.http, port(), key, model.get(key)));
    }

    /** Adds or removes a random node, never below three, and does not wait for the move. */
    private void changeConfig() throws Exception {
      boolean add =
          members.size() <= MIN_MEMBERS || (members.size() < ALL.size() && random.nextBoolean());
      List<String> candidates = new ArrayList<>();
      for (String id : ALL) if (members.contains(id) != add) candidates.add(id);
      String id = candidates.get(random.nextInt(candidates.size()));
      if (add) members.add(id);
      else members.remove(id);
      cluster.writeCluster(List.copyOf(members));
      tally.count(add ? "node adds" : "node removes");
      record((add ? "add " : "remove ") + id + ": cluster file now " + members);
    }

    private void restartRouter() throws Exception {
      cluster.killRouter();
      cluster.startRouter();
      tally.count("router kills");
      record("router killed and restarted");
    }

    private void killNode() throws InterruptedException {
      downNode = ALL.get(random.nextInt(ALL.size()));
      restartAt = step + 1 + random.nextInt(15);
      cluster.killNode(downNode);
      tally.count("node kills");
      record("kill " + downNode + " (back at step " + restartAt + ")");
    }

    private void restartDownNode() throws Exception {
      cluster.startNode(downNode);
      record("restarted " + downNode);
      downNode = null;
    }

    /** Part of the schedule: lets a move run on between steps. */
    private void pause() throws InterruptedException {
      int ms = 20 + random.nextInt(280);
      Thread.sleep(ms);
      record("pause " + ms + " ms");
    }

    // ---- judging

    private int port() {
      return cluster.routerPort();
    }

    /**
     * Updates the model with the call's outcome and logs it; anything but what the model allows (or
     * a 503 while a node is down) is a failure.
     */
    private void judge(String what, String key, Outcome o) {
      Expectation before = model.get(key);
      model.put(key, o.next());
      String op = what.substring(0, what.indexOf(' '));
      tally.count(op.toLowerCase(Locale.ROOT) + "s");
      boolean allowed = o.ok() || (o.verdict() == Verdict.UNAVAILABLE && downNode != null);
      String line = what + " -> " + o.reply() + (o.ok() ? "" : " [" + o.verdict() + "]");
      if (allowed) {
        if (!o.ok()) tally.count("503 while " + downNode + " was down");
        record(line);
        return;
      }
      String problem =
          line + "; expected " + before + (downNode == null ? "" : "; " + downNode + " down");
      tally.problem(o.verdict() + " on " + op, "step " + step + ": " + problem);
      record("FAILED: " + problem);
      if (firstFailure < 0) firstFailure = step;
    }

    private void record(String line) {
      long ms = (System.nanoTime() - started) / 1_000_000;
      log.add(String.format(Locale.ROOT, "#%d %.1fs %s", step, ms / 1000.0, line));
    }

    /**
     * Waits for the router to settle on the final layout, then reads every key through it and lists
     * every node.
     */
    private void finish() {
      step = STEPS + 1;
      List<String> finalIds = List.copyOf(members);
      try {
        cluster.awaitSettled(finalIds);
        record("router reports every key on its owner in " + finalIds);
      } catch (AssertionError | InterruptedException e) {
        tally.problem("never settled", e.getMessage());
        report();
        return;
      }
      // Read from the nodes before any read through the router, which would repair what it reads.
      Map<String, Function<String, Boolean>> allows = new LinkedHashMap<>();
      model.forEach((k, e) -> allows.put(k, e::allows));
      AtomicReference<List<String>> apart = new AtomicReference<>(List.of());
      try {
        MoveCluster.await(
            "every replica of every key holding its last acknowledged state",
            () -> apart(apart, finalIds, allows),
            () ->
                apart.get().size()
                    + " keys apart, e.g. "
                    + apart.get().subList(0, Math.min(5, apart.get().size())));
        record("every replica holds every key as the model says");
      } catch (AssertionError | InterruptedException e) {
        tally.problem("replicas apart", e.getMessage());
      }
      for (Map.Entry<String, Expectation> e : model.entrySet()) {
        Outcome o = JudgedOps.get(cluster.http, port(), e.getKey(), e.getValue());
        tally.count("final gets");
        if (!o.ok())
          tally.problem(
              "final GET " + o.verdict(),
              e.getKey() + " -> " + o.reply() + "; expected " + e.getValue());
      }
      report();
    }

    private boolean apart(
        AtomicReference<List<String>> apart,
        List<String> members,
        Map<String, Function<String, Boolean>> allows) {
      try {
        apart.set(ReplicaCheck.apart(cluster, members, REPLICAS, allows));
      } catch (AssertionError e) {
        apart.set(List.of(e.getMessage()));
      }
      return apart.get().isEmpty();
    }

    private void report() {
      long seconds = (System.nanoTime() - started) / 1_000_000_000;
      String summary =
          "seed "
              + seed
              + " ("
              + seconds
              + " s, "
              + STEPS
              + " steps): "
              + (firstFailure < 0 ? "no step failed" : "first failed step #" + firstFailure)
              + "\n  counts: "
              + tally.counters();
      System.out.println(summary);
      if (tally.problems() == 0) return;
      System.out.println("seed " + seed + " step log:\n  " + String.join("\n  ", log));
      int from = firstFailure < 0 ? Math.max(0, log.size() - 30) : indexOfStep(firstFailure) - 30;
      List<String> around =
          log.subList(Math.max(0, from), Math.min(log.size(), Math.max(0, from) + 40));
      fail(
          summary
              + "\n  problems:"
              + tally.problemReport()
              + "\n  steps around the first failure (rerun with -Dpxkv.seeds="
              + seed
              + "):\n    "
              + String.join("\n    ", around)
              + "\n  router log:"
              + cluster.routerLogTail(20));
    }

    private int indexOfStep(int n) {
      for (int i = 0; i < log.size(); i++) if (log.get(i).startsWith("#" + n + " ")) return i;
      return log.size();
    }
  }
}
