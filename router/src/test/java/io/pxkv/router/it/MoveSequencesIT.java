package io.pxkv.router.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pxkv.router.it.JudgedOps.Outcome;
import io.pxkv.router.it.JudgedOps.Verdict;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config change taken back while its move runs, under load, on real processes: the two sequences
 * in which users lost keys. (a) 3 nodes; node-4 is added; once it holds a few hundred keys the file
 * goes back to the 3 nodes. (b) node-2 is removed; once some keys have left it, it is listed again.
 * Each also with the router killed (kill -9) between the two changes.
 *
 * <p>20,000 keys are loaded first. 12,000 of them are never written again, only read: the keys
 * users lost. 4 clients read those and read, write and delete their own 2,000 keys each throughout.
 * The two kinds interleave in key order, so a move meets both from its first page on. Every answer
 * is judged against a model (see {@link JudgedOps}): no read of an existing key may answer 404 or
 * 5xx, no read may show anything but the last acknowledged state. While the router is down no
 * answer is expected, and none is counted. Whenever the router reports {@code done}, the clients
 * are paused and the nodes listed at once: every key must then be on its owner under the reported
 * target, on no other node, as last acknowledged. At the end, every key is read through the router
 * and every node is listed again, with the same rule.
 */
class MoveSequencesIT {
  private static final int KEYS = 20_000;

  /** Key i belongs to client i % 10 if that is below this; the others are only read. */
  private static final int CLIENTS = 4;

  /** Slow enough that a change lands mid-move, fast enough to keep the test short. */
  private static final long KEYS_PER_SECOND = 2_000;

  /** How many keys the first change must have moved before it is taken back. */
  private static final int MOVED_BEFORE_TAKING_BACK = 300;

  private static final List<String> THREE = List.of("node-1", "node-2", "node-3");
  private static final List<String> FOUR = List.of("node-1", "node-2", "node-3", "node-4");
  private static final List<String> WITHOUT_2 = List.of("node-1", "node-3");

  @Test
  void addingANodeAndTakingItBackMidMoveLosesNothing(@TempDir Path dir) throws Exception {
    addAndTakeBack(dir, false);
  }

  @Test
  void addingANodeAndTakingItBackWithTheRouterKilledBetweenLosesNothing(@TempDir Path dir)
      throws Exception {
    addAndTakeBack(dir, true);
  }

  @Test
  void removingANodeAndListingItAgainMidMoveLosesNothing(@TempDir Path dir) throws Exception {
    removeAndListAgain(dir, false);
  }

  @Test
  void removingANodeAndListingItAgainWithTheRouterKilledBetweenLosesNothing(@TempDir Path dir)
      throws Exception {
    removeAndListAgain(dir, true);
  }

  /**
   * Sequence (a). With {@code killRouter}: the router is killed, the file changed back while it is
   * down, and the router started again on the same flags.
   */
  private void addAndTakeBack(Path dir, boolean killRouter) throws Exception {
    String name = "(a) add node-4, take it back" + (killRouter ? ", router killed between" : "");
    try (MoveCluster cluster =
            new MoveCluster(dir, KEYS_PER_SECOND, "node-1", "node-2", "node-3", "node-4");
        Run run = new Run(name, cluster)) {
      cluster.startNodes("node-1", "node-2", "node-3", "node-4");
      cluster.writeCluster(THREE);
      cluster.startRouter();
      run.preload();
      run.startLoad();
      run.awaitOps(500);
      cluster.writeCluster(FOUR);
      long held =
          cluster.awaitKeysOn("node-4", "a few hundred keys", n -> n >= MOVED_BEFORE_TAKING_BACK);
      run.note("node-4 held " + held + " keys when it was taken back " + run.movePhase());
      if (killRouter) {
        cluster.killRouter();
        cluster.writeCluster(THREE);
        cluster.startRouter();
      } else {
        cluster.writeCluster(THREE);
      }
      run.finish(THREE);
    }
  }

  /**
   * Sequence (b). With {@code killRouter}: the router is killed and started again on the same flags
   * (resuming the removal), then node-2 is listed again.
   */
  private void removeAndListAgain(Path dir, boolean killRouter) throws Exception {
    String name =
        "(b) remove node-2, list it again" + (killRouter ? ", router killed between" : "");
    try (MoveCluster cluster = new MoveCluster(dir, KEYS_PER_SECOND, "node-1", "node-2", "node-3");
        Run run = new Run(name, cluster)) {
      cluster.startNodes("node-1", "node-2", "node-3");
      cluster.writeCluster(THREE);
      cluster.startRouter();
      run.preload();
      run.startLoad();
      run.awaitOps(500);
      long before = cluster.keysOn("node-2");
      cluster.writeCluster(WITHOUT_2);
      long left =
          cluster.awaitKeysOn(
              "node-2",
              "a few hundred keys fewer than " + before,
              n -> n >= 0 && n <= before - MOVED_BEFORE_TAKING_BACK);
      run.note(
          "node-2 held "
              + left
              + " of its "
              + before
              + " keys when it was listed again "
              + run.movePhase());
      if (killRouter) {
        cluster.killRouter();
        cluster.startRouter();
      }
      cluster.writeCluster(THREE);
      run.finish(THREE);
    }
  }

  /** One sequence's load, model, watch on {@code done} and final checks. */
  private static final class Run implements AutoCloseable {
    private final String name;
    private final MoveCluster cluster;
    private final Map<String, Expectation> model = new ConcurrentHashMap<>();
    private final Tally tally = new Tally();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong ops = new AtomicLong();

    /** Clients hold it shared for each call; a check at {@code done} holds it alone. */
    private final ReadWriteLock pause = new ReentrantReadWriteLock(true);

    private final List<Thread> clients = new ArrayList<>();
    private Thread watch;
    private final List<String> notes = new ArrayList<>();
    private final long started = System.nanoTime();

    Run(String name, MoveCluster cluster) {
      this.name = name;
      this.cluster = cluster;
    }

    void note(String line) {
      System.out.println(name + ": " + line);
      notes.add(line);
    }

    /**
     * The router's phase, for the notes: a change taken back after {@code done} would not test what
     * this test is about.
     */
    String movePhase() {
      JsonObject s = cluster.rebalance();
      String phase = s == null ? "unknown" : s.getString("phase");
      return "(router phase: "
          + phase
          + (phase.equals("done") ? "; the move had finished, so this run missed its point" : "")
          + ")";
    }

    /** {@link #KEYS} keys through the router's import, each acknowledged. */
    void preload() {
      Map<String, String> pairs = new LinkedHashMap<>();
      for (int i = 0; i < KEYS; i++) pairs.put("key-" + i, "key-" + i + ":0");
      cluster.importThroughRouter(pairs);
      pairs.forEach((k, v) -> model.put(k, Expectation.value(v)));
    }

    void startLoad() {
      running.set(true);
      for (int t = 0; t < CLIENTS; t++) {
        int client = t;
        Thread thread = new Thread(() -> client(client), "client-" + t);
        clients.add(thread);
        thread.start();
      }
      watch = new Thread(this::watchDone, "watch-done");
      watch.start();
    }

    void awaitOps(long more) throws InterruptedException {
      long target = ops.get() + more;
      MoveCluster.await(
          more + " more client operations",
          () -> ops.get() >= target,
          () -> ops.get() + " operations; " + tally.counters());
    }

    /**
     * Reads a key that is never written (40%), or reads, writes or deletes one of its own keys: its
     * own keys are written by this client only, so the model of each is exact.
     */
    private void client(int client) {
      Random random = new Random(client);
      int port = cluster.routerPort();
      int writes = 0;
      while (running.get()) {
        int dice = random.nextInt(10);
        String op;
        String key;
        pause.readLock().lock();
        try {
          long routerBefore = cluster.routerChanges();
          boolean upBefore = cluster.routerUp();
          Outcome o;
          Expectation e;
          if (dice < 4) {
            // No client writes these, so no other thread changes what they must hold.
            key =
                "key-" + (random.nextInt(KEYS / 10) * 10 + CLIENTS + random.nextInt(10 - CLIENTS));
            op = "GET";
            e = model.get(key);
            o = JudgedOps.get(cluster.http, port, key, e);
          } else {
            key = "key-" + (random.nextInt(KEYS / 10) * 10 + client);
            e = model.get(key);
            if (dice < 7) {
              op = "GET";
              o = JudgedOps.get(cluster.http, port, key, e);
            } else if (dice < 9) {
              op = "PUT";
              o = JudgedOps.put(cluster.http, port, key, key + ":" + ++writes, e);
            } else {
              op = "DELETE";
              o = JudgedOps.delete(cluster.http, port, key, e);
            }
            model.put(key, o.next());
          }
          boolean routerRan =
              upBefore && cluster.routerUp() && routerBefore == cluster.routerChanges();
          judge(op, key, e, o, routerRan);
          ops.incrementAndGet();
          if (o.verdict() != Verdict.NO_ANSWER || routerRan) continue;
        } finally {
          pause.readLock().unlock();
        }
        pauseWhileRouterDown();
      }
    }

    /**
     * Counts the call and, unless it went as {@code expected} says, the problem. No answer is a
     * problem only if the router ran throughout the call ({@code routerRan}).
     */
    private void judge(String op, String key, Expectation expected, Outcome o, boolean routerRan) {
      tally.count(op.toLowerCase(Locale.ROOT) + "s");
      switch (o.verdict()) {
        case OK -> {}
        case NO_ANSWER -> {
          if (!routerRan) tally.count("no answer while the router was down");
          else
            tally.problem("no answer from a running router", op + " " + key + " -> " + o.reply());
        }
        case MISSING ->
            tally.problem(op + " of an existing key answered 404", key + " -> " + o.reply());
        default ->
            tally.problem(
                op + " " + o.verdict(), key + " -> " + o.reply() + " (expected " + expected + ")");
      }
    }

    /** Keeps a client from spinning on refused connections while the router restarts. */
    private void pauseWhileRouterDown() {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /**
     * Polls the router's status; each time it turns to {@code done}, checks at once where every key
     * is.
     */
    private void watchDone() {
      String lastPhase = "";
      List<String> lastTarget = null;
      while (running.get()) {
        JsonObject status = cluster.rebalance();
        if (status != null) {
          String phase = status.getString("phase", "");
          List<String> target = MoveCluster.targetIds(status);
          if (phase.equals("done")
              && target != null
              && (!lastPhase.equals("done") || !target.equals(lastTarget))) {
            checkAtDone(target);
          }
          lastPhase = phase;
          lastTarget = target;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    /**
     * With the clients paused (their calls in flight finish first) and the cluster file held as it
     * is, lists every node and checks every key against the model and the reported target.
     */
    private void checkAtDone(List<String> target) {
      pause.writeLock().lock();
      try {
        synchronized (cluster.configLock()) {
          // A newer file already written makes keys leave the reported target's owners again.
          if (!new HashSet<>(target).equals(new HashSet<>(cluster.members()))) return;
          tally.count("done checks");
          long problems =
              PlacementCheck.check(
                  "at done " + target + ":",
                  cluster.listings(),
                  MoveCluster.ring(target),
                  model,
                  true,
                  tally);
          note("router reported done on " + target + " with " + problems + " keys misplaced");
        }
      } finally {
        pause.writeLock().unlock();
      }
    }

    /**
     * Waits for the router to report every key on its owner in {@code ids}, keeps the load on for a
     * little longer, stops it, then reads every key through the router and lists every node.
     */
    void finish(List<String> ids) throws Exception {
      cluster.awaitSettled(ids);
      awaitOps(1000);
      stopLoad();
      readEverything();
      PlacementCheck.check("final:", cluster.listings(), MoveCluster.ring(ids), model, true, tally);
      long seconds = (System.nanoTime() - started) / 1_000_000_000;
      String report =
          name
              + " ("
              + seconds
              + " s): "
              + String.join("; ", notes)
              + "\n  "
              + headline()
              + "\n  counts: "
              + tally.counters();
      System.out.println(report);
      assertEquals(0, tally.problems(), report + "\n  problems:" + tally.problemReport());
    }

    /** The numbers that say how bad a run was. */
    private String headline() {
      long lost = 0;
      long misplaced = 0;
      for (String kind : List.of("lost: on no node", "deleted key back", "wrong value")) {
        lost += tally.get("final: " + kind);
      }
      for (String kind :
          List.of("missing from its owner, on another node", "extra copies on non-owners")) {
        misplaced += tally.get("final: " + kind);
      }
      return String.format(
          Locale.ROOT,
          "during the run: %d reads (%d answered 404 for an existing key, %d with 5xx, %d wrong"
              + " value), %d writes, %d deletes (%d answered 404 for an existing key); at the end:"
              + " %d of %d keys lost or not as last acknowledged, %d misplaced",
          tally.get("gets"),
          tally.get("GET of an existing key answered 404"),
          tally.get("GET UNAVAILABLE") + tally.get("GET SERVER_ERROR"),
          tally.get("GET WRONG_VALUE") + tally.get("GET RESURRECTED"),
          tally.get("puts"),
          tally.get("deletes"),
          tally.get("DELETE of an existing key answered 404"),
          lost,
          model.size(),
          misplaced);
    }

    /** Lets each client finish the call it is making (an interrupted call would be no answer). */
    private void stopLoad() throws InterruptedException {
      running.set(false);
      for (Thread t : clients) t.join(120_000);
      if (watch != null) watch.join(120_000);
    }

    /** Every key of the model through the router, a few at a time. */
    private void readEverything() throws Exception {
      List<String> keys = new ArrayList<>(model.keySet());
      int readers = 8;
      ExecutorService pool = Executors.newFixedThreadPool(readers);
      try {
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < readers; t++) {
          int first = t;
          parts.add(
              pool.submit(
                  () -> {
                    for (int i = first; i < keys.size(); i += readers) {
                      String key = keys.get(i);
                      Expectation e = model.get(key);
                      judge(
                          "final GET",
                          key,
                          e,
                          JudgedOps.get(cluster.http, cluster.routerPort(), key, e),
                          true);
                    }
                  }));
        }
        for (Future<?> f : parts) f.get(MoveCluster.DEADLINE_MS, TimeUnit.MILLISECONDS);
      } finally {
        pool.shutdownNow();
      }
    }

    @Override
    public void close() throws InterruptedException {
      stopLoad();
    }
  }
}
