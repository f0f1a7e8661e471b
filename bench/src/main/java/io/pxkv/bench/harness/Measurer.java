package io.pxkv.bench.harness;

import io.pxkv.bench.measure.CpuShares;
import io.pxkv.bench.measure.MachineTicks;
import io.pxkv.bench.measure.ProcFs;
import io.pxkv.bench.measure.ProcessTicks;
import io.pxkv.bench.measure.WarmUpRule;
import io.pxkv.bench.measure.WrkOutput;
import io.pxkv.bench.report.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Warm-ups and measured wrk runs of one scenario. A measured run samples the machine's CPU ticks,
 * the ticks of every process the scenario started and the harness's own (and its finished
 * children's, which is how wrk's CPU is known) before and after, and turns the deltas into the
 * run's {@code other load} and {@code server CPU per request}. wrk's output, with those numbers and
 * each server's share of a core appended, is kept as {@code SCENARIO-OP.wrk.txt} in the results
 * folder.
 */
final class Measurer {
  private final Settings settings;
  private final Processes processes;
  private final Path results;
  private final String scenario;

  Measurer(Settings settings, Processes processes, Path results, String scenario) {
    this.settings = settings;
    this.processes = processes;
    this.results = results;
    this.scenario = scenario;
  }

  /** How a warm-up ended. */
  record WarmUp(List<Double> windows, WarmUpRule.Decision decision, int seconds) {
    boolean settled() {
      return decision == WarmUpRule.Decision.SETTLED;
    }
  }

  /** Unmeasured windows with {@code load}'s settings until the warm-up rule says it is over. */
  WarmUp warmUp(String label, WrkCall call, Load load) {
    WarmUpRule rule = settings.warmUp();
    Path out = results.resolve(fileName(label) + ".warmup.txt");
    Path window = results.resolve(fileName(label) + ".window.tmp");
    Load windowLoad = load.withSeconds(rule.windowSeconds());
    List<Double> rps = new ArrayList<>();
    WarmUpRule.Decision decision;
    do {
      String text = Wrk.run(command(call, windowLoad, false), windowLoad.seconds(), window);
      append(out, text);
      rps.add(WrkOutput.parse(text).rps());
      decision = rule.after(rps);
    } while (decision == WarmUpRule.Decision.CONTINUE);
    delete(window);
    int seconds = rps.size() * rule.windowSeconds();
    Log.info(
        String.format(
            Locale.ROOT,
            "%s %s: warmed up in %d s (%d windows, last %.0f req/s, %s)",
            scenario,
            label,
            seconds,
            rps.size(),
            rps.get(rps.size() - 1),
            decision == WarmUpRule.Decision.SETTLED ? "settled" : "did NOT settle, cap reached"));
    return new WarmUp(rps, decision, seconds);
  }

  /** One measured run, no warm-up. */
  Run measure(String op, WrkCall call, Load load) {
    Path raw = results.resolve(fileName(op) + ".wrk.txt");
    Path tmp = results.resolve(fileName(op) + ".wrk.tmp");
    List<String> command = command(call, load, true);
    Log.info(scenario + " " + op + ": measuring " + load.seconds() + " s");
    String loadBefore = ProcFs.loadAverage();
    MachineTicks machine0 = ProcFs.machine();
    Map<Long, Long> servers0 = processes.ticks();
    ProcessTicks self0 = ProcFs.self();
    long t0 = System.nanoTime();
    String text = Wrk.run(command, load.seconds(), tmp);
    long t1 = System.nanoTime();
    MachineTicks machine = ProcFs.machine().since(machine0);
    Map<Long, Long> servers1 = processes.ticks();
    ProcessTicks self1 = ProcFs.self();
    delete(tmp);

    long serverTicks = 0;
    StringBuilder perProcess = new StringBuilder();
    double seconds = (t1 - t0) / 1e9;
    for (ManagedProcess p : processes.list()) {
      Long before = servers0.get(p.pid());
      if (before == null) {
        continue;
      }
      long used = Math.max(0, servers1.getOrDefault(p.pid(), before) - before);
      serverTicks += used;
      perProcess.append(
          String.format(
              Locale.ROOT,
              "# CPU used by %s during the run: %.0f%% of one core%n",
              p.name(),
              CpuShares.percentOfOneCore(used, ProcFs.TICKS_PER_SECOND, seconds)));
    }
    long wrkTicks = self1.waitedChildren() - self0.waitedChildren();
    long harnessTicks = self1.own() - self0.own();
    WrkOutput out = WrkOutput.parse(text);
    double other = CpuShares.otherLoadPercent(machine, serverTicks, wrkTicks, harnessTicks);
    double cpuPerRequest =
        CpuShares.cpuMicrosPerRequest(serverTicks, ProcFs.TICKS_PER_SECOND, out.requests());

    StringBuilder file = new StringBuilder();
    file.append("# ").append(String.join(" ", command)).append('\n');
    file.append("# load average before: ").append(loadBefore).append('\n');
    file.append(text);
    file.append(
        String.format(
            Locale.ROOT,
            "# CPU used outside this benchmark during the run: %.0f%% of the machine%n"
                + "# CPU the servers under test used per request: %.0f us%n",
            other,
            cpuPerRequest));
    file.append(perProcess);
    file.append(
        String.format(
            Locale.ROOT,
            "# CPU used by wrk during the run: %.0f%% of one core%n"
                + "# CPU used by the harness during the run: %.0f%% of one core%n",
            CpuShares.percentOfOneCore(wrkTicks, ProcFs.TICKS_PER_SECOND, seconds),
            CpuShares.percentOfOneCore(harnessTicks, ProcFs.TICKS_PER_SECOND, seconds)));
    write(raw, file.toString());

    if (!out.measured()) {
      Log.info(scenario + " " + op + ": wrk printed no request rate; see " + raw);
    }
    Log.info(
        String.format(
            Locale.ROOT,
            "%s %s: %.0f req/s, p99 %.2f ms, %d errors of %d requests, other load %.0f%%",
            scenario,
            op,
            out.rps(),
            out.p99Ms(),
            out.errors(),
            out.requests(),
            other));
    return new Run(
        op,
        out.rps(),
        out.p50Ms(),
        out.p99Ms(),
        out.errors(),
        out.requests(),
        other,
        cpuPerRequest,
        false);
  }

  private List<String> command(WrkCall call, Load load, boolean latency) {
    Path wrk = Tool.WRK.find(settings.searchPath());
    if (wrk == null) {
      throw new BenchException("wrk is not on the PATH");
    }
    return Wrk.command(wrk.toString(), settings.wrkScripts(), call, load, latency);
  }

  /** {@code router_side_by_side-GET-router-turn-1}: the scenario and op, safe as a file name. */
  String fileName(String op) {
    return (scenario + "-" + op).replaceAll("[^A-Za-z0-9._-]+", "-");
  }

  private static void append(Path file, String text) {
    try {
      Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
