package io.pxkv.router.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Named counters and, for problems, the first few examples of each, so that a failing test says how
 * bad it is and shows what went wrong. Thread-safe.
 */
final class Tally {
  private static final int EXAMPLES_PER_KIND = 5;

  private final Map<String, LongAdder> counts = new ConcurrentSkipListMap<>();
  private final Map<String, List<String>> problems = new ConcurrentSkipListMap<>();
  private final Map<String, LongAdder> problemCounts = new ConcurrentHashMap<>();

  void count(String what) {
    counts.computeIfAbsent(what, k -> new LongAdder()).increment();
  }

  void add(String what, long n) {
    counts.computeIfAbsent(what, k -> new LongAdder()).add(n);
  }

  long get(String what) {
    LongAdder a = counts.get(what);
    return a == null ? 0 : a.sum();
  }

  /** Counts a problem of kind {@code kind} (also as a counter) and keeps it if among the first. */
  void problem(String kind, String example) {
    count(kind);
    problemCounts.computeIfAbsent(kind, k -> new LongAdder()).increment();
    List<String> list = problems.computeIfAbsent(kind, k -> new ArrayList<>());
    synchronized (list) {
      if (list.size() < EXAMPLES_PER_KIND) list.add(example);
    }
  }

  long problems() {
    return problemCounts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Every counter, one line. */
  String counters() {
    StringBuilder s = new StringBuilder();
    counts.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append('=').append(v));
    return s.toString();
  }

  /** Each kind of problem with its count and first examples. */
  String problemReport() {
    StringBuilder s = new StringBuilder();
    problems.forEach(
        (kind, list) -> {
          s.append("\n  ")
              .append(kind)
              .append(": ")
              .append(problemCounts.get(kind))
              .append(", e.g.");
          synchronized (list) {
            for (String e : list) s.append("\n    ").append(e);
          }
        });
    return s.toString();
  }
}
