package io.pxkv.bench.harness;

import java.util.function.Function;

/**
 * A setting of one scenario (how many keys, how many turns), with its value for a full run and for
 * a {@code --quick} smoke run. {@code --set SCENARIO.NAME=VALUE} overrides it; {@code --list}
 * prints every scenario's params with their defaults.
 */
public record Param<T>(
    String name, T normal, T quick, String description, Function<String, T> parser) {

  public static Param<Integer> integer(String name, int normal, int quick, String description) {
    return new Param<>(name, normal, quick, description, Integer::valueOf);
  }

  /** The value of {@code text}, or a {@link IllegalArgumentException} naming the param. */
  public T parse(String text) {
    try {
      return parser.apply(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(name + ": cannot read '" + text + "'", e);
    }
  }
}
