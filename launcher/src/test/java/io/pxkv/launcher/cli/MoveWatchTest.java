package io.pxkv.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code px-kvstore move --watch} through every phase of a move, played by a {@link FakeRouter} (a
 * real cluster's move is over before a test could see each phase; AdminCliTest watches a real one):
 * what a person sees on a terminal and off it, what a script gets, and when it gives up.
 */
class MoveWatchTest {
  private static final String STARTING = "{\"phase\":\"starting\",\"target\":{}}";
  private static final String DONE =
      "{\"phase\":\"done\",\"epoch\":3,\"target\":{},\"holders\":[\"node-1\",\"node-2\"]}";

  private static String moving(long scanned) {
    return new JsonObject()
        .put("phase", "moving")
        .put("epoch", 2)
        .put(
            "plan",
            List.of(
                new JsonObject()
                    .put("from", "node-1")
                    .put("to", "node-4")
                    .put("ranges", 41)
                    .put("share", 0.083)))
        .put(
            "progress",
            new JsonObject()
                .put("keysScanned", scanned)
                .put("keysToScan", 1000)
                .put("keysMoved", scanned / 4)
                .put("keysToMoveEstimate", 250)
                .put("keysPerSecond", 2000)
                .put("etaSeconds", 3))
        .encode();
  }

  /** Answers starting, moving (twice), then done for ever. */
  private static FakeRouter aMove() throws Exception {
    List<String> phases = List.of(STARTING, moving(400), moving(800), DONE);
    AtomicInteger polls = new AtomicInteger();
    return new FakeRouter(
        r -> new FakeRouter.Answer(200, phases.get(Math.min(polls.getAndIncrement(), 3))));
  }

  @Test
  void offATerminalEachPhaseIsALineAndTheEndASummary() throws Exception {
    try (FakeRouter router = aMove()) {
      Cli.Result r = new Cli().run("move", "--watch", "--interval", "0.01", "--url", router.url());
      assertEquals(0, r.code(), r.toString());
      assertEquals("phase: starting\nphase: moving\nphase: done\nphase: done (epoch 3)\n", r.out());
      assertEquals("", r.err(), "no bar off a terminal");
    }
  }

  @Test
  void onATerminalABarFollowsTheScan() throws Exception {
    try (FakeRouter router = aMove()) {
      Cli.Result r =
          new Cli()
              .terminal(true)
              .run("move", "--watch", "--interval", "0.15", "--url", router.url());
      assertEquals(0, r.code(), r.toString());
      assertTrue(
          r.err()
              .contains(
                  "\rmoving [##########--------------]  40%  moving  100 of ~250 keys moved, 2,000 keys/s, eta 3 s"),
          r.err());
      assertTrue(r.err().contains("80%"), r.err());
      assertTrue(r.err().endsWith("\r"), "the bar is erased at the end: " + r.err());
      assertEquals("phase: done (epoch 3)\n", r.out());
    }
  }

  @Test
  void forScriptsEachPollIsOneJsonLineAndNoBar() throws Exception {
    try (FakeRouter router = aMove()) {
      Cli.Result r =
          new Cli()
              .terminal(true)
              .run("move", "--watch", "--json", "--interval", "0.01", "--url", router.url());
      assertEquals(0, r.code(), r.toString());
      List<String> phases = r.out().lines().map(l -> new JsonObject(l).getString("phase")).toList();
      assertEquals(List.of("starting", "moving", "moving", "done"), phases);
      assertEquals("", r.err());
    }
  }

  @Test
  void aMoveInProgressShowsItsPlanAndProgress() throws Exception {
    try (FakeRouter router = new FakeRouter(r -> new FakeRouter.Answer(200, moving(500)))) {
      Cli.Result r = new Cli().run("move", "--url", router.url());
      assertEquals(
          "phase: moving (epoch 2)\n"
              + "plan: node-1 -> node-4: 41 ranges, 8.3% of the ring\n"
              + "progress: 125 of ~250 keys moved, 2,000 keys/s, eta 3 s\n",
          r.out());
    }
  }

  @Test
  void aMoveThatDoesNotFinishInTimeIsExit3() throws Exception {
    try (FakeRouter router = new FakeRouter(r -> new FakeRouter.Answer(200, moving(1)))) {
      Cli.Result r =
          new Cli()
              .run(
                  "move",
                  "--watch",
                  "--interval",
                  "0.02",
                  "--timeout",
                  "0.1",
                  "--url",
                  router.url());
      assertEquals(ExitCode.FAILURE, r.code(), r.toString());
      assertEquals("px-kvstore move: still moving after 0.10 s\n", r.err());
      assertFalse(r.out().contains("done"));
    }
  }
}
