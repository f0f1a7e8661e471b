package io.pxkv.node.storage;

import io.pxkv.common.kv.KeyOrder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.SortedSet;

/**
 * The keys of a {@link KeyDirectory} from a lower bound on, in UTF-8 order, as a read-only {@link
 * NavigableSet} for scans: what {@code tailSet} and iteration need (descending views, head sets and
 * removal are not offered).
 *
 * <p>An iterator starts on the sorted ids with every change so far merged in ({@link
 * SortedKeyIndex#current}), so it meets every key that is in the directory throughout its walk,
 * once, at its state when met. It reads each key under the directory's lock (optimistically,
 * validated); if a merge published a newer array meanwhile, it finds its place again in that one by
 * binary search from the last key it returned, since the ids of an array that is no longer current
 * may be handed to other keys.
 */
final class SortedKeyView extends AbstractSet<String> implements NavigableSet<String> {
  private final KeyDirectory dir;
  private final SortedKeyIndex index;
  private final String from; // null: from the first key
  private final boolean inclusive;

  SortedKeyView(KeyDirectory dir, SortedKeyIndex index, String from, boolean inclusive) {
    this.dir = dir;
    this.index = index;
    this.from = from;
    this.inclusive = inclusive;
  }

  @Override
  public Iterator<String> iterator() {
    return new Cursor(index.current());
  }

  private final class Cursor implements Iterator<String> {
    private int[] ids;
    private int pos;
    private byte[] last; // the last key met, where to find the place again
    private boolean lastIncluded;
    private String next;
    private boolean done;

    Cursor(int[] ids) {
      this.ids = ids;
      this.pos = -1; // not placed yet
    }

    @Override
    public boolean hasNext() {
      if (next == null && !done) advance();
      return next != null;
    }

    @Override
    public String next() {
      if (!hasNext()) throw new NoSuchElementException();
      String n = next;
      next = null;
      return n;
    }

    private void advance() {
      KeyDirectory.Step step = dir.step(this::stepOnce);
      ids = step.ids();
      pos = step.pos();
      if (step.key() == null) {
        done = true;
        return;
      }
      last = step.key();
      lastIncluded = false;
      next = new String(step.key(), StandardCharsets.UTF_8);
    }

    /** One step, to be validated by the caller: no field is changed here. */
    private KeyDirectory.Step stepOnce() {
      int[] v = index.view();
      int[] at = ids;
      int p = pos;
      if (v != null && v != at) {
        at = v;
        p = -1;
      }
      if (p < 0) {
        // The bound is compared as a string: it may be no key at all (a prefix cut in a pair).
        p =
            last != null
                ? dir.place(at, last, lastIncluded)
                : from == null ? 0 : dir.place(at, from, inclusive);
      }
      while (p < at.length) {
        int id = at[p++];
        if (dir.isMember(id)) return new KeyDirectory.Step(at, p, dir.keyBytes(id));
      }
      return new KeyDirectory.Step(at, p, null);
    }
  }

  @Override
  public int size() {
    int n = 0;
    for (Iterator<String> i = iterator(); i.hasNext(); i.next()) n++;
    return n;
  }

  @Override
  public boolean isEmpty() {
    return !iterator().hasNext();
  }

  @Override
  public boolean contains(Object o) {
    if (!(o instanceof String key) || !dir.known(key)) return false;
    if (from == null) return true;
    int c = KeyOrder.compare(key, from);
    return c > 0 || (c == 0 && inclusive);
  }

  @Override
  public Comparator<? super String> comparator() {
    return KeyOrder.UTF8;
  }

  @Override
  public String first() {
    Iterator<String> i = iterator();
    if (!i.hasNext()) throw new NoSuchElementException();
    return i.next();
  }

  @Override
  public String last() {
    Iterator<String> i = iterator();
    if (!i.hasNext()) throw new NoSuchElementException();
    String last = i.next();
    while (i.hasNext()) last = i.next();
    return last;
  }

  @Override
  public NavigableSet<String> tailSet(String fromElement, boolean inclusive) {
    if (from != null) {
      int c = KeyOrder.compare(fromElement, from);
      if (c < 0 || (c == 0 && !this.inclusive)) return this; // this bound is the tighter one
    }
    return new SortedKeyView(dir, index, fromElement, inclusive);
  }

  @Override
  public SortedSet<String> tailSet(String fromElement) {
    return tailSet(fromElement, true);
  }

  @Override
  public String ceiling(String e) {
    Iterator<String> i = tailSet(e, true).iterator();
    return i.hasNext() ? i.next() : null;
  }

  @Override
  public String higher(String e) {
    Iterator<String> i = tailSet(e, false).iterator();
    return i.hasNext() ? i.next() : null;
  }

  @Override
  public String lower(String e) {
    throw unsupported();
  }

  @Override
  public String floor(String e) {
    throw unsupported();
  }

  @Override
  public String pollFirst() {
    throw unsupported();
  }

  @Override
  public String pollLast() {
    throw unsupported();
  }

  @Override
  public NavigableSet<String> descendingSet() {
    throw unsupported();
  }

  @Override
  public Iterator<String> descendingIterator() {
    throw unsupported();
  }

  @Override
  public NavigableSet<String> subSet(
      String fromElement, boolean fromInclusive, String toElement, boolean toInclusive) {
    throw unsupported();
  }

  @Override
  public NavigableSet<String> headSet(String toElement, boolean inclusive) {
    throw unsupported();
  }

  @Override
  public SortedSet<String> subSet(String fromElement, String toElement) {
    throw unsupported();
  }

  @Override
  public SortedSet<String> headSet(String toElement) {
    throw unsupported();
  }

  private static UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException("the key directory's sorted keys are walked forwards");
  }
}
