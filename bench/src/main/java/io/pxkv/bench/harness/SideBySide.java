package io.pxkv.bench.harness;

import io.pxkv.bench.report.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Two or more parties running at once, measured in alternating turns. For each op every party is
 * warmed up, then each turn measures every party once in the order they were added; afterwards the
 * run with the median req/s of each party is recorded again as {@code OP PARTY, median of N turns},
 * which is what goals compare. Drift of a shared machine over minutes then hits every party alike
 * instead of deciding the goal. The parties not being measured sit idle; {@code server CPU per
 * request} counts them all.
 *
 * <pre>{@code
 * bench.sideBySide(bench.load())
 *     .party("router", router::call)
 *     .party("webdis", webdis::call)
 *     .measure(List.of("GET", "PUT"), rounds);
 * }</pre>
 */
public final class SideBySide {
  private final Bench bench;
  private final Load load;
  private final Map<String, Function<String, WrkCall>> parties = new LinkedHashMap<>();

  SideBySide(Bench bench, Load load) {
    this.bench = bench;
    this.load = load;
  }

  /** The label of a party's run in turn {@code turn}: {@code GET router turn 2}. */
  public static String turnLabel(String op, String party, int turn) {
    return op + " " + party + " turn " + turn;
  }

  /** The label of a party's median run: {@code GET router, median of 3 turns}. */
  public static String medianLabel(String op, String party, int turns) {
    return op + " " + party + ", median of " + turns + " turns";
  }

  /** Adds a party; {@code callFor} gives its wrk call for an op ({@code GET}, {@code PUT}). */
  public SideBySide party(String name, Function<String, WrkCall> callFor) {
    parties.put(name, callFor);
    return this;
  }

  /** Warm-up and {@code turns} turns per op, then the median rows; returns the median runs. */
  public Map<String, Run> measure(List<String> ops, int turns) {
    if (turns < 1) {
      throw new IllegalArgumentException("turns must be at least 1, was " + turns);
    }
    Map<String, Run> medians = new LinkedHashMap<>();
    for (String op : ops) {
      parties.forEach(
          (party, call) -> bench.warmUp(op + " " + party + " side by side", call.apply(op), load));
      Map<String, List<Run>> byParty = new LinkedHashMap<>();
      for (int turn = 1; turn <= turns; turn++) {
        for (var p : parties.entrySet()) {
          Run run = bench.measureRun(turnLabel(op, p.getKey(), turn), p.getValue().apply(op), load);
          byParty.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(run);
        }
      }
      byParty.forEach(
          (party, runs) -> {
            String label = medianLabel(op, party, turns);
            medians.put(label, bench.median(label, runs));
          });
    }
    return medians;
  }
}
