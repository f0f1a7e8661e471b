package io.pxkv.bench.harness;

import io.pxkv.bench.baseline.Preload;
import io.pxkv.bench.measure.Medians;
import io.pxkv.bench.report.Extra;
import io.pxkv.bench.report.Metric;
import io.pxkv.bench.report.Run;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a scenario works with while it runs: its settings and params, a temp folder, servers to
 * start ({@link #baselines()}, {@link #pxkv()}, or {@link #start} for anything else), wrk runs to
 * measure, and what it records for its section: runs, extra numbers and metrics. Every process it
 * starts is stopped when the scenario ends, fails or is interrupted.
 */
public final class Bench implements AutoCloseable {
  private final Settings settings;
  private final String scenario;
  private final Path results;
  private final Path temp;
  private final Ports ports;
  private final Processes processes;
  private final Measurer measurer;
  private final Http http = new Http();
  private final List<Run> runs = new ArrayList<>();
  private final List<Extra> extras = new ArrayList<>();
  private final Map<String, Metric> metrics = new LinkedHashMap<>();

  /**
   * @param results the run's results folder (logs, raw wrk outputs)
   * @param temp this scenario's own empty temp folder (server data), deleted by the runner
   */
  public Bench(Settings settings, String scenario, Path results, Path temp, Ports ports) {
    this.settings = settings;
    this.scenario = scenario;
    this.results = results;
    this.temp = temp;
    this.ports = ports;
    this.processes = new Processes(results, Duration.ofSeconds(settings.stopTimeoutSeconds()));
    this.measurer = new Measurer(settings, processes, results, scenario);
  }

  public Settings settings() {
    return settings;
  }

  public String scenario() {
    return scenario;
  }

  /** The value of one of this scenario's params. */
  public <T> T param(Param<T> param) {
    return settings.param(scenario, param);
  }

  /** The wrk settings of a measured run: {@code -t2 -c64 -d10s}, 10,000 keys by default. */
  public Load load() {
    return settings.load();
  }

  public Path temp() {
    return temp;
  }

  public Path results() {
    return results;
  }

  public Http http() {
    return http;
  }

  public int freePort() {
    return ports.free();
  }

  public Baselines baselines() {
    return new Baselines(this);
  }

  public Pxkv pxkv() {
    return new Pxkv(this);
  }

  // ---- processes --------------------------------------------------------------------------

  /** Starts {@code command}, output in {@code NAME.log}; stopped when the scenario ends. */
  public ManagedProcess start(String name, List<String> command) {
    return processes.start(name, command);
  }

  /**
   * Polls {@code url} every 100 ms until it answers 2xx (with {@code bodyContains} in its body, if
   * not null); fails when the process exits first or the start timeout passes.
   */
  public void awaitReady(ManagedProcess p, String url, String bodyContains) {
    long deadline =
        System.nanoTime() + Duration.ofSeconds(settings.startTimeoutSeconds()).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.alive()) {
        throw new BenchException(p.name() + " exited before it was ready: " + p.lastLogLine());
      }
      if (http.answers(url, bodyContains)) {
        Log.info(p.name() + " ready at " + url);
        return;
      }
      pause(100);
    }
    throw new BenchException(
        p.name() + " did not answer " + url + " within " + settings.startTimeoutSeconds() + " s");
  }

  /** Waits until {@code p} prints a line holding {@code text}, within the start timeout. */
  public void awaitLogLine(ManagedProcess p, String text) {
    long deadline =
        System.nanoTime() + Duration.ofSeconds(settings.startTimeoutSeconds()).toNanos();
    while (System.nanoTime() < deadline) {
      if (p.logText().contains(text)) {
        Log.info(p.name() + " ready (" + text + ")");
        return;
      }
      if (!p.alive()) {
        throw new BenchException(p.name() + " exited before it was ready: " + p.lastLogLine());
      }
      pause(100);
    }
    throw new BenchException(
        p.name() + " did not print '" + text + "' within " + settings.startTimeoutSeconds() + " s");
  }

  /** Stops one process now (SIGTERM, SIGKILL after the stop timeout); how long it took. */
  public Duration stop(ManagedProcess p) {
    return p.stop(Duration.ofSeconds(settings.stopTimeoutSeconds()));
  }

  // ---- loading ----------------------------------------------------------------------------

  /** Writes {@code bench-0 .. bench-(keys-1)} through {@code server}'s API, 32 calls in flight. */
  public void preload(Server server, int keys) {
    long t0 = System.nanoTime();
    try {
      Preload.write(URI.create(server.url()), server.api().preloadApiName(), keys, 32, 300);
    } catch (IllegalStateException e) {
      throw new BenchException(
          "preloading " + keys + " keys via " + server.url() + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while preloading", e);
    }
    Log.info("preloaded " + keys + " keys via " + server.url() + " in " + seconds(t0) + " s");
  }

  /** {@link #preload(Server, int)} with the run's key count. */
  public void preload(Server server) {
    preload(server, load().keys());
  }

  /**
   * {@code POST URL/admin/import} with {@code lines} (JSON lines {@code {"key":..,"value":..}});
   * fails unless every line was taken.
   */
  public void importLines(String url, List<String> lines) {
    byte[] body =
        lines.stream().collect(Collectors.joining("\n", "", "\n")).getBytes(StandardCharsets.UTF_8);
    var answer =
        http.postJson(url + "/admin/import", body, "application/x-ndjson", Duration.ofMinutes(10));
    if (answer.getLong("imported", -1L) != lines.size()) {
      throw new BenchException(
          "POST "
              + url
              + "/admin/import of "
              + lines.size()
              + " lines answered "
              + answer.encode());
    }
  }

  // ---- measuring --------------------------------------------------------------------------

  /** A warm-up, then the measured run, with the run's default load. */
  public Run measure(String op, WrkCall call) {
    return measure(op, call, load());
  }

  /** A warm-up, then the measured run, with {@code load}. */
  public Run measure(String op, WrkCall call, Load load) {
    warmUp(op, call, load);
    return measureRun(op, call, load);
  }

  /**
   * Unmeasured wrk windows with {@code load}'s settings until three agree within 5% (see {@link
   * io.pxkv.bench.measure.WarmUpRule}). A warm-up that reached its cap is noted in the section.
   */
  public void warmUp(String label, WrkCall call, Load load) {
    Measurer.WarmUp w = measurer.warmUp(label, call, load);
    if (!w.settled()) {
      List<Double> last =
          w.windows().subList(Math.max(0, w.windows().size() - 3), w.windows().size());
      extra(
          "warm-up before `" + label + "`",
          "did not settle within "
              + w.seconds()
              + " s (last windows "
              + last.stream()
                  .map(r -> String.format(Locale.ROOT, "%.0f", r))
                  .collect(Collectors.joining(" / "))
              + " req/s)");
    }
  }

  /** The measured run alone: for a server already warm, or a run that must start at a moment. */
  public Run measureRun(String op, WrkCall call, Load load) {
    Run run = measurer.measure(op, call, load);
    runs.add(run);
    return run;
  }

  /** Records the run with the median req/s among {@code turns} again, as {@code label}. */
  public Run median(String label, List<Run> turns) {
    Run m = Medians.lowerMedian(turns, Run::rps).asMedian(label);
    runs.add(m);
    return m;
  }

  /** Parties running at once, measured in alternating turns with {@code load}. */
  public SideBySide sideBySide(Load load) {
    return new SideBySide(this, load);
  }

  // ---- recording --------------------------------------------------------------------------

  /** A row of the section's second table: a number or fact that is not a wrk run. */
  public void extra(String label, String value) {
    extras.add(new Extra(label, value));
    Log.info(scenario + ": " + label + ": " + value);
  }

  /** A number goals can refer to ({@code Ref.metric(scenario, name)}). */
  public void metric(String name, double value, String unit) {
    metrics.put(name, new Metric(value, unit));
  }

  public void log(String message) {
    Log.info(scenario + ": " + message);
  }

  List<Run> runs() {
    return List.copyOf(runs);
  }

  List<Extra> extras() {
    return List.copyOf(extras);
  }

  Map<String, Metric> metrics() {
    return new LinkedHashMap<>(metrics);
  }

  @Override
  public void close() {
    processes.close();
  }

  // ---- small helpers for scenarios ----------------------------------------------------------

  /** Seconds since {@code t0} (a {@code System.nanoTime()}), two decimals. */
  public static String seconds(long t0) {
    return String.format(Locale.ROOT, "%.2f", (System.nanoTime() - t0) / 1e9);
  }

  /** Milliseconds as seconds with two decimals. */
  public static String millisAsSeconds(long millis) {
    return String.format(Locale.ROOT, "%.2f", millis / 1000.0);
  }

  /** Sleeps {@code millis}; an interrupt ends the scenario. */
  public static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted", e);
    }
  }
}
