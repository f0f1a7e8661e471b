package io.pxkv.node.index;

import io.pxkv.common.kv.KeyOrder;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * A number or string index of this node's keys: postings (value, key) in index order (numbers
 * ascending, strings in UTF-8 byte order, then keys in UTF-8 byte order) and, per key, the version
 * and value its posting came from, so a write older than the one indexed never overwrites it.
 *
 * <p>Readers walk the postings without a lock (a concurrent skip list); writers take the index's
 * lock. A posting may lag behind its key's live record, and may even be stale for good when an old
 * write's notice arrives after the key was deleted: the query re-checks every hit against the live
 * record, so a lagging posting costs a read, never a wrong answer.
 */
final class OrderedIndex {
  /** One entry in index order. */
  record Posting(Object value, String key) {}

  /** The version and value a key's posting came from; value null: deleted or not indexed. */
  private record Held(long version, Object value) {}

  static final Comparator<Object> NUMBERS = (a, b) -> Double.compare((Double) a, (Double) b);
  static final Comparator<Object> STRINGS = (a, b) -> KeyOrder.compare((String) a, (String) b);

  private final Comparator<Object> values;
  private final NavigableSet<Posting> postings;
  private final ConcurrentHashMap<String, Held> byKey = new ConcurrentHashMap<>();

  /** While true, keys deleted or not indexed keep their version, to order them against a build. */
  private boolean keepGone = true;

  OrderedIndex(boolean numbers) {
    this.values = numbers ? NUMBERS : STRINGS;
    Comparator<Posting> order =
        (a, b) -> {
          int c = values.compare(a.value(), b.value());
          return c != 0 ? c : KeyOrder.compare(a.key(), b.key());
        };
    this.postings = new ConcurrentSkipListSet<>(order);
  }

  Comparator<Object> values() {
    return values;
  }

  /** Indexes write {@code version} of {@code key}: {@code value} null to unindex it. */
  synchronized void apply(String key, Object value, long version) {
    Held held = byKey.get(key);
    if (held != null && held.version() > version) return;
    if (held != null && held.value() != null) postings.remove(new Posting(held.value(), key));
    if (value != null) {
      byKey.put(key, new Held(version, value));
      postings.add(new Posting(value, key));
    } else if (keepGone) {
      byKey.put(key, new Held(version, null));
    } else {
      byKey.remove(key);
    }
  }

  /** The build is done: deleted keys need not be remembered any more. */
  synchronized void built() {
    keepGone = false;
    byKey.values().removeIf(h -> h.value() == null);
  }

  /** The postings from {@code from} on ({@code inclusive} or strictly after it; null: all). */
  Iterator<Posting> from(Posting from, boolean inclusive) {
    if (from == null) return postings.iterator();
    return postings.tailSet(from, inclusive).iterator();
  }

  int size() {
    return postings.size();
  }
}
