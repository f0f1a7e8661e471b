package io.pxkv.bench.measure;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one wrk run printed: requests per second, requests served, the 50th and 99th latency
 * percentiles (from {@code --latency}) and the errors. A number wrk did not print is NaN (or -1 for
 * counts), shown as {@code NA} in the report.
 *
 * <p>Errors are the non-2xx/3xx answers plus the socket errors (connect, read, write, timeout): wrk
 * prints each line only when its count is not zero.
 */
public record WrkOutput(double rps, long requests, double p50Ms, double p99Ms, long errors) {
  private static final Pattern RPS = Pattern.compile("(?m)^Requests/sec:\\s+([0-9.]+)");
  private static final Pattern REQUESTS = Pattern.compile("(?m)^\\s*(\\d+) requests in ");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  /** Parses wrk's standard output. */
  public static WrkOutput parse(String text) {
    double rps = Double.NaN;
    Matcher m = RPS.matcher(text);
    if (m.find()) {
      rps = Double.parseDouble(m.group(1));
    }
    long requests = -1;
    m = REQUESTS.matcher(text);
    if (m.find()) {
      requests = Long.parseLong(m.group(1));
    }
    long errors = 0;
    m = NON_2XX.matcher(text);
    if (m.find()) {
      errors += Long.parseLong(m.group(1));
    }
    m = SOCKET.matcher(text);
    if (m.find()) {
      for (int g = 1; g <= 4; g++) {
        errors += Long.parseLong(m.group(g));
      }
    }
    return new WrkOutput(
        rps, requests, percentileMs(text, "50%"), percentileMs(text, "99%"), errors);
  }

  /** A line of wrk's latency distribution ({@code " 99% 7.35ms"}), in milliseconds. */
  static double percentileMs(String text, String percentile) {
    Matcher m =
        Pattern.compile("(?m)^\\s*" + Pattern.quote(percentile) + "\\s+([0-9.]+)([a-z]+)\\s*$")
            .matcher(text);
    if (!m.find()) {
      return Double.NaN;
    }
    return toMillis(Double.parseDouble(m.group(1)), m.group(2));
  }

  /** wrk prints times in us, ms, s, m or h, whichever keeps the number small. */
  static double toMillis(double value, String unit) {
    return switch (unit.toLowerCase(Locale.ROOT)) {
      case "us" -> value / 1000;
      case "ms" -> value;
      case "s" -> value * 1000;
      case "m" -> value * 60_000;
      case "h" -> value * 3_600_000;
      default -> throw new IllegalArgumentException("unknown wrk time unit " + unit);
    };
  }

  /** True when wrk printed a request rate (it did not fail to connect at all). */
  public boolean measured() {
    return !Double.isNaN(rps);
  }
}
