package io.pxkv.bench.measure;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The median run of a party measured in turns. It is always one of the runs (its p99, errors and
 * CPU come with it), so with an even count it is the lower of the two middle ones.
 */
public final class Medians {
  private Medians() {}

  /** The item with the median key: the middle one of an odd count, the lower middle of an even. */
  public static <T> T lowerMedian(List<T> items, ToDoubleFunction<T> key) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("no items to take the median of");
    }
    List<T> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.comparingDouble(key));
    return sorted.get((sorted.size() - 1) / 2);
  }
}
