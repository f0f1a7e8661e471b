package io.pxkv.common.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Command-line flags with an environment-variable twin each ({@code --cache-bytes} and {@code
 * PXKV_CACHE_BYTES}), for the node and router processes. A flag beats its variable, the variable
 * beats the default. Values are checked by the typed getters, which name the flag and the rule.
 */
public final class Flags {
  private record Flag(String name, String defaultValue, String help, boolean isSwitch) {}

  private final String command;
  private final Map<String, Flag> flags = new LinkedHashMap<>();
  private final Map<String, String> values = new HashMap<>();

  public Flags(String command) {
    this.command = command;
  }

  /** Declares {@code --name VALUE}; {@code defaultValue} may be null for "no default". */
  public Flags option(String name, String defaultValue, String help) {
    flags.put(name, new Flag(name, defaultValue, help, false));
    return this;
  }

  /** Declares {@code --name} with no value (true when present). */
  public Flags toggle(String name, String help) {
    flags.put(name, new Flag(name, "false", help, true));
    return this;
  }

  public static String envName(String flag) {
    return "PXKV_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /**
   * Reads {@code args} and then {@code env}. Returns false when {@code --help} was asked for (the
   * caller prints {@link #help()}).
   */
  public boolean parse(String[] args, Map<String, String> env) throws UsageException {
    for (Flag f : flags.values()) {
      String fromEnv = env.get(envName(f.name()));
      if (fromEnv != null) values.put(f.name(), fromEnv);
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) return false;
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "' (see " + command + " --help)");
      }
      String name = arg.substring(2);
      String inline = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Flag f = flags.get(name);
      if (f == null) {
        throw new UsageException("unknown flag --" + name + " (see " + command + " --help)");
      }
      if (f.isSwitch()) {
        values.put(name, inline == null ? "true" : inline);
      } else if (inline != null) {
        values.put(name, inline);
      } else if (i + 1 < args.length) {
        values.put(name, args[++i]);
      } else {
        throw new UsageException("flag --" + name + " needs a value");
      }
    }
    return true;
  }

  public String string(String name) throws UsageException {
    String v = values.getOrDefault(name, declared(name).defaultValue());
    if (v == null || v.isBlank()) {
      throw new UsageException("--" + name + " (or " + envName(name) + ") is required");
    }
    return v;
  }

  /** The flag's value, or null when neither the flag nor its variable gave one (and no default). */
  public String optional(String name) {
    String v = values.getOrDefault(name, declared(name).defaultValue());
    return v == null || v.isBlank() ? null : v;
  }

  public int integer(String name, int min, int max) throws UsageException {
    long v = parseLong(name, string(name));
    if (v < min || v > max) {
      throw new UsageException(
          "--" + name + " must be in " + min + ".." + max + " (was " + v + ")");
    }
    return (int) v;
  }

  /** A whole number in {@code min..max}, as a long. */
  public long longInteger(String name, long min, long max) throws UsageException {
    long v = parseLong(name, string(name));
    if (v < min || v > max) {
      throw new UsageException(
          "--" + name + " must be in " + min + ".." + max + " (was " + v + ")");
    }
    return v;
  }

  /**
   * A duration in milliseconds: a whole number with a unit, {@code ms}, {@code s}, {@code m},
   * {@code h} or {@code d} (a bare number is milliseconds), in {@code minMillis..maxMillis}.
   */
  public long durationMillis(String name, long minMillis, long maxMillis) throws UsageException {
    String raw = string(name).trim().toLowerCase(Locale.ROOT);
    long unit;
    String digits;
    if (raw.endsWith("ms")) {
      unit = 1;
      digits = raw.substring(0, raw.length() - 2);
    } else if (raw.endsWith("s")) {
      unit = 1000;
      digits = raw.substring(0, raw.length() - 1);
    } else if (raw.endsWith("m")) {
      unit = 60_000;
      digits = raw.substring(0, raw.length() - 1);
    } else if (raw.endsWith("h")) {
      unit = 3_600_000;
      digits = raw.substring(0, raw.length() - 1);
    } else if (raw.endsWith("d")) {
      unit = 86_400_000;
      digits = raw.substring(0, raw.length() - 1);
    } else {
      unit = 1;
      digits = raw;
    }
    long v;
    try {
      v = Math.multiplyExact(Long.parseLong(digits), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UsageException(
          "--" + name + " must be a duration like 10d, 36h, 90m, 30s or 500ms (was '" + raw + "')");
    }
    if (v < minMillis || v > maxMillis) {
      throw new UsageException(
          "--" + name + " must be in " + minMillis + ".." + maxMillis + " ms (was " + v + " ms)");
    }
    return v;
  }

  /** A byte size: a number with an optional k, m or g suffix (powers of 1024). */
  public long bytes(String name, long min, long max) throws UsageException {
    String raw = string(name).trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    String digits =
        raw.endsWith("b") && raw.length() > 1 ? raw.substring(0, raw.length() - 1) : raw;
    if (digits.endsWith("k")) unit = 1L << 10;
    else if (digits.endsWith("m")) unit = 1L << 20;
    else if (digits.endsWith("g")) unit = 1L << 30;
    if (unit != 1) digits = digits.substring(0, digits.length() - 1);
    long v;
    try {
      v = Math.multiplyExact(Long.parseLong(digits), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UsageException(
          "--" + name + " must be a size like 1048576, 512k or 64m (was '" + raw + "')");
    }
    if (v < min || v > max) {
      throw new UsageException(
          "--" + name + " must be in " + min + ".." + max + " bytes (was " + v + ")");
    }
    return v;
  }

  /** A number in (0, 1]. */
  public double fraction(String name) throws UsageException {
    String v = string(name);
    try {
      double d = Double.parseDouble(v.trim());
      if (d > 0 && d <= 1) return d;
    } catch (NumberFormatException e) {
      // reported below with the rule
    }
    throw new UsageException("--" + name + " must be a number in (0, 1] (was '" + v + "')");
  }

  public boolean bool(String name) throws UsageException {
    String v = string(name).toLowerCase(Locale.ROOT);
    return switch (v) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new UsageException("--" + name + " must be true or false (was '" + v + "')");
    };
  }

  /** One of {@code choices}, case-insensitive, returned in lower case. */
  public String choice(String name, List<String> choices) throws UsageException {
    String v = string(name).toLowerCase(Locale.ROOT);
    if (!choices.contains(v)) {
      throw new UsageException(
          "--" + name + " must be one of " + String.join(", ", choices) + " (was '" + v + "')");
    }
    return v;
  }

  public String help() {
    StringBuilder b = new StringBuilder();
    b.append("Usage: ")
        .append(command)
        .append(" [flags]\n\nFlags (each also read from its environment variable):\n");
    List<String> lines = new ArrayList<>();
    for (Flag f : flags.values()) {
      String left = "  --" + f.name() + (f.isSwitch() ? "" : " VALUE");
      String def =
          f.isSwitch() || f.defaultValue() == null ? "" : " (default: " + f.defaultValue() + ")";
      lines.add(String.format("%-28s %-26s %s%s", left, envName(f.name()), f.help(), def));
    }
    b.append(String.join("\n", lines)).append('\n');
    return b.toString();
  }

  private Flag declared(String name) {
    Flag f = flags.get(name);
    if (f == null) throw new IllegalArgumentException("flag --" + name + " was never declared");
    return f;
  }

  private static long parseLong(String name, String v) throws UsageException {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number (was '" + v + "')");
    }
  }
}
