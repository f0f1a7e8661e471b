package io.pxkv.node.storage;

import io.pxkv.common.kv.KeyOrder;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * Every key the {@link KeyDirectory} knows (live, deleted with its tombstone held, or handed off
 * with its marker held) in UTF-8 order ({@link KeyOrder#UTF8}), for scans, without a second copy of
 * any key: a sorted {@code int[]} of entry ids (4 bytes a key), whose keys are read from the
 * directory's {@link KeyArena}. One array for all three kinds, since a key that changes kind keeps
 * its entry id: a scan walking it never misses a key that was there throughout.
 *
 * <p>Kept up to date lazily. The directory's mutator only notes entry ids that joined ({@link
 * #added}) or left ({@link #removed}); the sorted array is merged with them when a scan asks for it
 * ({@link #current}), or in the background once many are noted. A published array is never changed:
 * a merge makes a new one. An entry id that left is not handed out again until a merge has
 * published an array without it ({@link KeyDirectory#recycle}), so the ids of an array are the keys
 * they were while the array is the current one; a scan that finds a newer array finds its place
 * again in it ({@link SortedKeyView}).
 *
 * <p>Built late after a restart: from {@link #loading} to {@link #loaded} nothing is noted; the
 * build ({@link #build}, on its own thread {@code kv-index}) sorts every key the directory holds.
 * Scans wait for it; point reads and writes do not. Thread-safe.
 */
final class SortedKeyIndex {
  /** Noted ids that start a merge in the background, when no scan asked for one. */
  private static final int MERGE_AFTER = 1 << 16;

  private final KeyDirectory dir;
  private final Object merging = new Object();

  /** Null from {@link #loading} until the build is done. */
  private volatile int[] view = new int[0];

  private volatile CountDownLatch built = new CountDownLatch(0);
  private final IntList joined = new IntList(); // guarded by this
  private final IntList left = new IntList(); // guarded by this
  private boolean loadingNow; // guarded by this
  private boolean buildStarted; // guarded by this
  private boolean mergeQueued; // guarded by this

  SortedKeyIndex(KeyDirectory dir) {
    this.dir = dir;
  }

  /** The current sorted array, or null before the build: what a scan's cursor checks against. */
  int[] view() {
    return view;
  }

  /**
   * The sorted entry ids with every id noted so far merged in. Right after a restart this starts
   * the build if nobody has, and waits until it is done (blocking: scans run on worker threads).
   */
  int[] current() {
    while (true) {
      int[] v = view;
      while (v == null) {
        build();
        try {
          built.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while the key index was being built", e);
        }
        v = view;
      }
      // Through the merge lock even when nothing is noted: a merge that drained the notes may
      // not have published its array yet.
      int[] merged = merge();
      if (merged != null) return merged;
    }
  }

  /** Whether scans can run without waiting for the build. */
  boolean isBuilt() {
    return view != null;
  }

  /** Startup: from now on nothing is kept sorted until {@link #build}. */
  synchronized void loading() {
    built = new CountDownLatch(1);
    view = null;
    loadingNow = true;
    buildStarted = false;
  }

  /** Startup's records are all in: from now on ids that join or leave are noted. */
  synchronized void loaded() {
    loadingNow = false;
  }

  /** Entry {@code id} joined the directory. Called by the directory's mutator. */
  void added(int id) {
    boolean merge;
    synchronized (this) {
      if (loadingNow) return; // the build starts from everything loaded
      joined.add(id);
      merge = joined.size() >= MERGE_AFTER;
    }
    if (merge) mergeInBackground();
  }

  /** Entry {@code id} left the directory. Called by the directory's mutator. */
  void removed(int id) {
    boolean merge;
    synchronized (this) {
      left.add(id);
      merge = left.size() >= MERGE_AFTER;
    }
    if (merge) mergeInBackground();
  }

  /**
   * Sorts every key on a thread of its own ({@code kv-index}), while point reads and writes go on.
   * The node starts this once it is serving, so that the build does not compete with its start for
   * the cores; a scan that comes first starts it itself. Does nothing after the first call, or when
   * the keys are already sorted.
   */
  void build() {
    synchronized (this) {
      if (view != null || buildStarted) return;
      buildStarted = true;
    }
    Thread build = new Thread(this::buildNow, "kv-index");
    build.setDaemon(true);
    build.start();
  }

  private void buildNow() {
    try {
      synchronized (merging) {
        synchronized (this) {
          // Every id noted so far is among those the walk below finds; an id that joins while
          // it runs may be found and noted both: merges keep one of each key.
          joined.drain();
        }
        int[] all = dir.memberIds();
        view = sortedUnique(all);
      }
    } finally {
      built.countDown();
    }
  }

  /** Merges on a thread of its own, so that noted ids do not pile up without scans. */
  private void mergeInBackground() {
    synchronized (this) {
      if (mergeQueued) return;
      mergeQueued = true;
    }
    Thread merge =
        new Thread(
            () -> {
              synchronized (this) {
                mergeQueued = false;
              }
              if (view == null) build();
              else merge();
            },
            "kv-index");
    merge.setDaemon(true);
    merge.start();
  }

  /**
   * Publishes the sorted array with the ids noted so far: those that left taken out, those that
   * joined put in (each found by binary search, the runs between copied), then lets the directory
   * hand the ids that left out again. Null before the build.
   */
  private int[] merge() {
    synchronized (merging) {
      int[] base = view;
      if (base == null) return null;
      int[] add;
      int[] gone;
      synchronized (this) {
        add = joined.drain();
        gone = left.drain();
      }
      if (add.length == 0 && gone.length == 0) return base;
      if (gone.length > 0) base = members(base);
      int[] merged = insert(base, sortedUnique(members(add)));
      view = merged;
      if (gone.length > 0) dir.recycle(gone);
      return merged;
    }
  }

  /**
   * Runs {@code task} with the sorted array merged and no merge running: with the directory's
   * mutator blocked as well (the caller), every id of the current array is a key of the directory,
   * and no thread reads keys outside the directory's lock meanwhile.
   */
  void whileMergedAndQuiet(Runnable task) {
    synchronized (merging) {
      if (view != null) merge();
      task.run();
    }
  }

  /** The ids of {@code ids} that are still keys of the directory. */
  private int[] members(int[] ids) {
    int n = 0;
    int[] out = new int[ids.length];
    for (int id : ids) if (dir.isMember(id)) out[n++] = id;
    return n == ids.length ? ids : Arrays.copyOf(out, n);
  }

  /** {@code ids} sorted by key, one id per key. */
  private int[] sortedUnique(int[] ids) {
    if (ids.length < 2) return ids;
    Integer[] boxed = new Integer[ids.length];
    for (int i = 0; i < ids.length; i++) boxed[i] = ids[i];
    Arrays.parallelSort(boxed, dir::compareKeys);
    int[] out = new int[ids.length];
    int n = 0;
    for (Integer id : boxed) {
      if (n > 0 && dir.compareKeys(out[n - 1], id) == 0) {
        if (!dir.isMember(out[n - 1])) out[n - 1] = id;
        continue;
      }
      out[n++] = id;
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** {@code base} and {@code add}, both sorted by key, merged; a key in both is kept once. */
  private int[] insert(int[] base, int[] add) {
    if (add.length == 0) return base;
    int[] out = new int[base.length + add.length];
    int o = 0;
    int b = 0;
    for (int id : add) {
      int at = lowerBound(base, b, id);
      System.arraycopy(base, b, out, o, at - b);
      o += at - b;
      b = at;
      if (b < base.length && dir.compareKeys(base[b], id) == 0) {
        // The same key twice: the same entry, noted while the build walked, or (racing) an
        // entry that left and one that joined; keep the one still in the directory.
        out[o++] = dir.isMember(id) ? id : base[b];
        b++;
        continue;
      }
      out[o++] = id;
    }
    System.arraycopy(base, b, out, o, base.length - b);
    o += base.length - b;
    return o == out.length ? out : Arrays.copyOf(out, o);
  }

  /** The first index from {@code from} whose key is at least that of {@code id}. */
  private int lowerBound(int[] base, int from, int id) {
    int lo = from;
    int hi = base.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (dir.compareKeys(base[mid], id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
