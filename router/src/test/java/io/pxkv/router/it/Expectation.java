package io.pxkv.router.it;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What one key may hold, as far as the answers a client got say: the value of its last acknowledged
 * write, or absent after an acknowledged delete (or before any write). A write or delete that got
 * no answer, or a 5xx, may or may not have happened, so it widens the expectation to both outcomes
 * until the next acknowledged operation of the key narrows it again.
 *
 * <p>Immutable. Values are compared as the JSON strings the tests write.
 */
final class Expectation {
  private static final Expectation ABSENT = new Expectation(Set.of(), true);

  private final Set<String> values;
  private final boolean mayBeAbsent;

  private Expectation(Set<String> values, boolean mayBeAbsent) {
    this.values = values;
    this.mayBeAbsent = mayBeAbsent;
  }

  static Expectation absent() {
    return ABSENT;
  }

  static Expectation value(String value) {
    return new Expectation(Set.of(value), false);
  }

  /** This, or {@code value} in place of it: a write whose answer never came. */
  Expectation orValue(String value) {
    Set<String> more = new LinkedHashSet<>(values);
    more.add(value);
    return new Expectation(Set.copyOf(more), mayBeAbsent);
  }

  /** This, or absent: a delete whose answer never came. */
  Expectation orAbsent() {
    return new Expectation(values, true);
  }

  /** Whether {@code valueOrNull} (null: absent) is a state the key may be in. */
  boolean allows(String valueOrNull) {
    return valueOrNull == null ? mayBeAbsent : values.contains(valueOrNull);
  }

  /** The key exists whatever happened to unanswered operations. */
  boolean mustExist() {
    return !mayBeAbsent;
  }

  /** The key is absent whatever happened to unanswered operations. */
  boolean mustBeAbsent() {
    return values.isEmpty();
  }

  @Override
  public String toString() {
    if (values.isEmpty()) return "absent";
    String v = values.size() == 1 ? values.iterator().next() : "one of " + values;
    return mayBeAbsent ? v + " or absent" : v;
  }
}
