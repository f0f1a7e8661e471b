package io.pxkv.node.storage;

/**
 * The hash table of the {@link KeyDirectory}: open addressing with linear probing over one {@code
 * int[]}, at most three quarters full. A slot holds an entry id plus one and, in its top 5 bits,
 * bits of the key's hash, so a probe compares key bytes only when those agree (31 times in 32 it
 * does not need to). No tombstones: a removal shifts the probe run behind it back ({@link
 * #remove}).
 *
 * <p>Only the directory's single mutator changes it, under the directory's write lock; a grown
 * table is filled beside the old one, which readers go on using, and swapped in at once.
 */
final class KeySlots {
  static final int ID_BITS = 27;

  /** Entry ids are below this: 134 million keys. */
  static final int MAX_IDS = (1 << ID_BITS) - 1;

  private static final int ID_MASK = (1 << ID_BITS) - 1;
  private static final int MIN_CAPACITY = 16;

  private volatile int[] slots = new int[MIN_CAPACITY];
  private int used;

  private static int tag(int hash) {
    return (hash >>> ID_BITS) << ID_BITS;
  }

  /** The entry id of {@code key} (of hash {@code hash}), or -1. */
  int find(byte[] key, int hash, EntryColumns entries, KeyArena keys) {
    int[] t = slots;
    int mask = t.length - 1;
    int tag = tag(hash);
    int i = hash & mask;
    for (int n = 0; n <= mask; n++) {
      int v = t[i];
      if (v == 0) return -1;
      if ((v & ~ID_MASK) == tag) {
        int id = (v & ID_MASK) - 1;
        if (keys.equalsAt(entries.keyRef(id), key)) return id;
      }
      i = (i + 1) & mask;
    }
    return -1;
  }

  int size() {
    return used;
  }

  /**
   * A table for {@code keys} keys, filled from the current one, if the current one would be more
   * than three quarters full with them; else null. Mutator only, outside the write lock: readers
   * keep using the current table until {@link #swap}.
   */
  int[] grownFor(long keys, EntryColumns entries, KeyArena keyArena) {
    int[] t = slots;
    if (keys * 4 <= (long) t.length * 3) return null;
    int capacity = capacityFor(keys);
    int[] grown = new int[capacity];
    int mask = capacity - 1;
    for (int v : t) {
      if (v == 0) continue;
      int id = (v & ID_MASK) - 1;
      int i = keyArena.hashAt(entries.keyRef(id)) & mask;
      while (grown[i] != 0) i = (i + 1) & mask;
      grown[i] = v;
    }
    return grown;
  }

  /** The smallest power of two at least {@code 4/3 keys}. */
  static int capacityFor(long keys) {
    long want = Math.max(MIN_CAPACITY, (keys * 4 + 2) / 3);
    if (want > 1 << 30) throw new IllegalStateException("key directory full");
    return Integer.highestOneBit((int) want - 1) << 1;
  }

  /** Replaces the table with a grown one. Mutator only, under the write lock. */
  void swap(int[] grown) {
    slots = grown;
  }

  /**
   * Adds entry {@code id} under {@code hash}; the key must not be in the table and a slot must be
   * free ({@link #grownFor} first). Mutator only, under the write lock.
   */
  void insert(int id, int hash) {
    if (id >= MAX_IDS) throw new IllegalStateException("key directory full: " + MAX_IDS + " keys");
    int[] t = slots;
    int mask = t.length - 1;
    int i = hash & mask;
    while (t[i] != 0) i = (i + 1) & mask;
    t[i] = tag(hash) | (id + 1);
    used++;
  }

  /**
   * Removes entry {@code id} filed under {@code hash}, shifting back the slots of the probe run
   * behind it that may move closer to their home. Mutator only, under the write lock.
   */
  void remove(int id, int hash, EntryColumns entries, KeyArena keys) {
    int[] t = slots;
    int mask = t.length - 1;
    int i = hash & mask;
    while ((t[i] & ID_MASK) != id + 1) {
      if (t[i] == 0) return;
      i = (i + 1) & mask;
    }
    int hole = i;
    int j = hole;
    while (true) {
      j = (j + 1) & mask;
      int v = t[j];
      if (v == 0) break;
      int home = keys.hashAt(entries.keyRef((v & ID_MASK) - 1)) & mask;
      // The slot at j may fill the hole if its home is not cyclically in (hole, j].
      boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!stays) {
        t[hole] = v;
        hole = j;
      }
    }
    t[hole] = 0;
    used--;
  }
}
