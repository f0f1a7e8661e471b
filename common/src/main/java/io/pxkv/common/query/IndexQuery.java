package io.pxkv.common.query;

import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code GET /query?index=NAME&min=X&max=Y} (a number index; either bound may be left out) or
 * {@code &eq=S} / {@code &prefix=S} (a string index; neither: every indexed string), as parsed and
 * checked by the router and again by each node: bounds are finite JSON numbers, {@code min <= max},
 * and the parameters fit the index's type.
 *
 * @param index the index's name
 * @param min the smallest number (inclusive), or null
 * @param max the largest number (inclusive), or null
 * @param eq the string to equal, or null
 * @param prefix the string's prefix, or null
 */
public record IndexQuery(String index, Double min, Double max, String eq, String prefix) {
  private static final Pattern JSON_NUMBER =
      Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  /**
   * Parses the parameters {@code param} gives (null when absent) for an index of the cluster
   * ({@code lookup} gives its declaration or null).
   */
  public static IndexQuery parse(
      Function<String, String> param, Function<String, IndexSpec> lookup) {
    String index = param.apply("index");
    if (index == null || index.isEmpty()) {
      throw new KvException(ErrorCode.INVALID_REQUEST, "parameter 'index' is required");
    }
    IndexSpec spec = lookup.apply(index);
    if (spec == null) {
      throw new KvException(ErrorCode.UNKNOWN_INDEX, "no index named '" + index + "'");
    }
    String rawMin = param.apply("min");
    String rawMax = param.apply("max");
    String eq = param.apply("eq");
    String prefix = param.apply("prefix");
    switch (spec.type()) {
      case NUMBER -> {
        if (eq != null || prefix != null) {
          throw invalid(
              "index '" + index + "' is a number index: use min and max, not eq or prefix");
        }
        Double min = number("min", rawMin);
        Double max = number("max", rawMax);
        if (min != null && max != null && min > max) {
          throw invalid("min (" + rawMin + ") is larger than max (" + rawMax + ")");
        }
        return new IndexQuery(index, min, max, null, null);
      }
      case STRING -> {
        if (rawMin != null || rawMax != null) {
          throw invalid(
              "index '" + index + "' is a string index: use eq or prefix, not min or max");
        }
        if (eq != null && prefix != null) throw invalid("give eq or prefix, not both");
        return new IndexQuery(index, null, null, eq, prefix);
      }
      default ->
          throw new KvException(
              ErrorCode.UNKNOWN_INDEX,
              "index '" + index + "' is a vector index: ask POST /query/knn");
    }
  }

  /** A finite JSON number, or null when absent; anything else is 400. */
  public static Double number(String name, String raw) {
    if (raw == null) return null;
    if (!JSON_NUMBER.matcher(raw).matches()) {
      throw invalid(name + " must be a finite number (was '" + clip(raw) + "')");
    }
    double d = Double.parseDouble(raw);
    if (!Double.isFinite(d)) throw invalid(name + " is out of range (was '" + clip(raw) + "')");
    return d == 0 ? 0.0 : d; // -0 and 0 are one number to an index
  }

  /** Whether an indexed value ({@link Double} or {@link String}) is one this query asks for. */
  public boolean admits(Object value) {
    if (value instanceof Double d) {
      return (min == null || d >= min) && (max == null || d <= max);
    }
    if (value instanceof String s) {
      if (eq != null) return s.equals(eq);
      return prefix == null || s.startsWith(prefix);
    }
    return false;
  }

  /** Whether {@code value} lies after every value this query asks for, in index order. */
  public boolean pastEnd(Object value) {
    if (value instanceof Double d) return max != null && d > max;
    String s = (String) value;
    if (eq != null) return !s.equals(eq);
    return prefix != null && !s.startsWith(prefix);
  }

  /** The smallest value this query may ask for, or null for the start of the index. */
  public Object first() {
    if (min != null) return min;
    if (eq != null) return eq;
    if (prefix != null) return prefix;
    return null;
  }

  private static KvException invalid(String why) {
    return new KvException(ErrorCode.INVALID_REQUEST, why);
  }

  private static String clip(String raw) {
    return raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
  }
}
