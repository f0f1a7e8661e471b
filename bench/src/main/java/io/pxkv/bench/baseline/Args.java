package io.pxkv.bench.baseline;

import java.util.HashMap;
import java.util.Map;

/**
 * The few {@code --name value} flags the benchmark mains take; a bad flag exits 2 with one line.
 */
final class Args {
  private final String program;
  private final Map<String, String> values = new HashMap<>();

  private Args(String program) {
    this.program = program;
  }

  static Args parse(String program, String[] argv, String... known) {
    Args args = new Args(program);
    for (int i = 0; i < argv.length; i++) {
      String flag = argv[i];
      boolean isKnown = false;
      for (String k : known) {
        isKnown |= k.equals(flag);
      }
      if (!isKnown) {
        args.fail("unknown flag " + flag);
      }
      if (i + 1 >= argv.length) {
        args.fail(flag + " needs a value");
      }
      args.values.put(flag, argv[++i]);
    }
    return args;
  }

  String string(String flag, String fallback) {
    String v = values.get(flag);
    if (v == null && fallback == null) {
      fail(flag + " is required");
    }
    return v == null ? fallback : v;
  }

  int integer(String flag, Integer fallback) {
    String v = values.get(flag);
    if (v == null) {
      if (fallback == null) {
        fail(flag + " is required");
      }
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      fail(flag + " must be an integer, got " + v);
      return 0;
    }
  }

  void fail(String message) {
    System.err.println(program + ": " + message);
    System.exit(2);
  }
}
