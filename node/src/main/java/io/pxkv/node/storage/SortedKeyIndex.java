package io.pxkv.node.storage;

import io.pxkv.common.kv.KeyOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Every key the {@link KeyDirectory} knows (live, deleted with its tombstone held, or handed off
 * with its marker held) in UTF-8 order ({@link KeyOrder#UTF8}), for scans: one set for all three
 * kinds, so that a key changing kind (deleted, handed off, written again) never leaves it, and a
 * scan walking it can never miss a key that was there throughout. A key leaves it only when it
 * leaves the directory (compaction forgets its tombstone or marker).
 *
 * <p>Built late after a restart: inserting a million keys one by one into the skip list was half of
 * a restart. From {@link #loading} to {@link #loaded} nothing is recorded (the build starts from
 * everything loaded); from then until the build ({@link #build}) is done, keys that change are
 * noted and applied at its end. Scans wait for the build ({@link #keys}); point reads and writes do
 * not. Thread-safe.
 */
final class SortedKeyIndex {
  private static final int MAX_CHANGES_BEFORE_BUILD = 1 << 16;

  private final Predicate<String> known;
  private final Supplier<List<? extends Collection<String>>> keySets;

  /** Null from {@link #loading} until the background build is done. */
  private volatile ConcurrentSkipListMap<String, Boolean> sorted = sortedMap();

  private volatile CountDownLatch built = new CountDownLatch(0);
  private volatile boolean loadingNow;
  private final Object lock = new Object();
  private List<String> changedWhileBuilding; // guarded by lock
  private boolean buildStarted; // guarded by lock

  /**
   * {@code known} says whether the directory holds a key; {@code keySets} are its key sets, read
   * once by the build.
   */
  SortedKeyIndex(Predicate<String> known, Supplier<List<? extends Collection<String>>> keySets) {
    this.known = known;
    this.keySets = keySets;
  }

  private static ConcurrentSkipListMap<String, Boolean> sortedMap() {
    return new ConcurrentSkipListMap<>(KeyOrder.UTF8);
  }

  /**
   * The keys in UTF-8 order. Right after a restart this starts the build if nobody has, and waits
   * until it is done (blocking: scans run on worker threads).
   */
  NavigableSet<String> keys() {
    ConcurrentSkipListMap<String, Boolean> s = sorted;
    if (s == null) build();
    while (s == null) {
      try {
        built.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the key index was being built", e);
      }
      s = sorted;
    }
    return s.keySet();
  }

  /** Whether scans can run without waiting for the build. */
  boolean isBuilt() {
    return sorted != null;
  }

  /** Startup: from now on nothing is kept sorted until {@link #build}. */
  void loading() {
    built = new CountDownLatch(1);
    sorted = null;
    loadingNow = true;
  }

  /**
   * Startup's records are all in: from now on keys that join or leave are recorded, to be applied
   * when the build is done.
   */
  void loaded() {
    synchronized (lock) {
      changedWhileBuilding = new ArrayList<>();
      loadingNow = false;
    }
  }

  /**
   * Sorts every key and builds the skip list from them in one pass, on a thread of its own ({@code
   * kv-index}), while point reads and writes go on; keys that writes add or remove meanwhile are
   * applied at the end. The node starts this once it is serving, so that the build does not compete
   * with its start for the cores; a scan that comes first starts it itself. Does nothing after the
   * first call, or when the keys are already sorted.
   */
  void build() {
    synchronized (lock) {
      if (sorted != null || buildStarted) return;
      buildStarted = true;
    }
    Thread build = new Thread(this::buildNow, "kv-index");
    build.setDaemon(true);
    build.start();
  }

  private void buildNow() {
    ConcurrentSkipListMap<String, Boolean> done = sortedOfAll();
    synchronized (lock) {
      for (String key : changedWhileBuilding) applyMembership(done, key, known.test(key));
      changedWhileBuilding = null;
      sorted = done;
    }
    built.countDown();
  }

  private ConcurrentSkipListMap<String, Boolean> sortedOfAll() {
    List<? extends Collection<String>> sets = keySets.get();
    try {
      int size = 0;
      for (Collection<String> set : sets) size += set.size();
      String[] keys = new String[size];
      int n = 0;
      for (Collection<String> set : sets) {
        for (String key : set) {
          if (n == keys.length) keys = Arrays.copyOf(keys, n * 2 + 16); // grew meanwhile
          keys[n++] = key;
        }
      }
      keys = Arrays.copyOf(keys, n);
      Arrays.parallelSort(keys, KeyOrder.UTF8);
      // A key may be in two maps for an instant while it changes kind: keep it once.
      int unique = 0;
      for (int i = 0; i < keys.length; i++) {
        if (unique == 0 || !keys[i].equals(keys[unique - 1])) keys[unique++] = keys[i];
      }
      return new ConcurrentSkipListMap<>(new SortedKeys(Arrays.copyOf(keys, unique)));
    } catch (RuntimeException | OutOfMemoryError e) {
      ConcurrentSkipListMap<String, Boolean> done = sortedMap();
      for (Collection<String> set : sets) {
        for (String key : set) done.put(key, Boolean.TRUE);
      }
      return done;
    }
  }

  private static void applyMembership(
      ConcurrentSkipListMap<String, Boolean> set, String key, boolean member) {
    if (member) {
      set.put(key, Boolean.TRUE);
    } else {
      set.remove(key);
    }
  }

  /**
   * Called before {@code key} changes kind, whatever the change: while the build runs it reads the
   * directory's maps one after another and could meet such a key in none of them, so the key is
   * noted and its state applied at the end of the build.
   */
  void changing(String key) {
    if (sorted != null || loadingNow) return; // the build starts from everything loaded
    boolean buildNow = false;
    synchronized (lock) {
      if (sorted == null && changedWhileBuilding != null) {
        changedWhileBuilding.add(key);
        buildNow = changedWhileBuilding.size() >= MAX_CHANGES_BEFORE_BUILD;
      }
    }
    // Nobody asked for the build yet (an engine used without a node): start it rather than let
    // the list of changes grow without end.
    if (buildNow) build();
  }

  /** {@code key} joined the directory ({@code added}) or left it. */
  void changed(String key, boolean added) {
    ConcurrentSkipListMap<String, Boolean> s = sorted;
    if (s == null) {
      if (loadingNow) return; // the build starts from everything loaded
      synchronized (lock) {
        s = sorted;
        if (s == null) {
          changedWhileBuilding.add(key);
          // Nobody asked for the build yet (an engine used without a node): start it rather
          // than let the list of changes grow without end.
          if (changedWhileBuilding.size() >= MAX_CHANGES_BEFORE_BUILD) build();
          return;
        }
      }
    }
    applyMembership(s, key, added);
  }
}
