package io.pxkv.node.storage;

/**
 * The expiry times of the {@link KeyDirectory}'s entries that have one, by entry id: most keys have
 * none, so they live beside the entry rows rather than in them. Open addressing with linear probing
 * over an {@code int[]} of ids plus one and a {@code long[]} of times, at most three quarters full:
 * 16 to 32 bytes an entry with an expiry, nothing for the others.
 *
 * <p>Changed only by the directory's mutator, under its write lock, except {@link #reserve}, which
 * publishes a grown copy with the same contents; readers validate what they read against the lock.
 */
final class ExpiryTimes {
  private static final int MIN_CAPACITY = 16;

  private static final class Table {
    final int[] ids;
    final long[] times;

    Table(int capacity) {
      ids = new int[capacity];
      times = new long[capacity];
    }
  }

  private volatile Table table = new Table(MIN_CAPACITY);
  private int size;

  private static int home(int id, int mask) {
    int h = id * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }

  /** The expiry time of entry {@code id}, or 0. */
  long get(int id) {
    Table t = table;
    int mask = t.ids.length - 1;
    int i = home(id, mask);
    for (int n = 0; n <= mask; n++) {
      int v = t.ids[i];
      if (v == 0) return 0;
      if (v == id + 1) return t.times[i];
      i = (i + 1) & mask;
    }
    return 0;
  }

  /**
   * Makes room for one more entry: a grown copy, filled and published before any change, which
   * readers may take at once. Mutator only, before the write lock.
   */
  void reserve() {
    Table t = table;
    if ((size + 1L) * 4 <= (long) t.ids.length * 3) return;
    Table grown = new Table(t.ids.length * 2);
    int mask = grown.ids.length - 1;
    for (int j = 0; j < t.ids.length; j++) {
      int v = t.ids[j];
      if (v == 0) continue;
      int i = home(v - 1, mask);
      while (grown.ids[i] != 0) i = (i + 1) & mask;
      grown.ids[i] = v;
      grown.times[i] = t.times[j];
    }
    table = grown;
  }

  /** Sets the expiry time of entry {@code id} ({@link #reserve} first). Under the write lock. */
  void put(int id, long time) {
    Table t = table;
    int mask = t.ids.length - 1;
    int i = home(id, mask);
    while (t.ids[i] != 0 && t.ids[i] != id + 1) i = (i + 1) & mask;
    if (t.ids[i] == 0) size++;
    t.times[i] = time;
    t.ids[i] = id + 1;
  }

  /** Forgets entry {@code id}'s expiry time, if any. Under the write lock. */
  void remove(int id) {
    Table t = table;
    int mask = t.ids.length - 1;
    int i = home(id, mask);
    while (t.ids[i] != id + 1) {
      if (t.ids[i] == 0) return;
      i = (i + 1) & mask;
    }
    int hole = i;
    int j = hole;
    while (true) {
      j = (j + 1) & mask;
      int v = t.ids[j];
      if (v == 0) break;
      int home = home(v - 1, mask);
      boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!stays) {
        t.ids[hole] = v;
        t.times[hole] = t.times[j];
        hole = j;
      }
    }
    t.ids[hole] = 0;
    t.times[hole] = 0;
    size--;
  }
}
