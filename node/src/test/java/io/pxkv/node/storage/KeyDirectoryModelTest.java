package io.pxkv.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pxkv.common.kv.KeyOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The compact key directory answers as a plain map of key to (entry, kind) with a sorted set beside
 * it would: random puts of every kind, relocations, forgotten tombstones and markers (which free
 * entry ids to be handed out again), table growth and removals that shift probe runs, checked after
 * every step by point lookups, and by sorted walks from random bounds.
 */
class KeyDirectoryModelTest {
  private static final String[] PARTS = {"a", "b", "k", "\uFFFD", "\uD83D\uDE00", "é", "zz", ""};

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 20261205})
  void matchesAMapModel(long seed) {
    Random random = new Random(seed);
    KeyDirectory dir = new KeyDirectory();
    // The key arena compacts itself when its garbage reaches half its bytes; some seeds also
    // compact it at random steps, so that walks and lookups run over keys that moved.
    dir.compactKeysFrom(seed % 2 == 0 ? 64 : Long.MAX_VALUE);
    record Current(KeyDirEntry entry, RecordKind kind) {}
    TreeMap<String, Current> model = new TreeMap<>(KeyOrder.UTF8);
    List<String> keySpace = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      StringBuilder k = new StringBuilder();
      int parts = 1 + random.nextInt(4);
      for (int p = 0; p < parts; p++) k.append(PARTS[random.nextInt(PARTS.length)]);
      k.append(random.nextInt(50));
      keySpace.add(k.toString());
    }
    long seq = 0;
    for (int step = 0; step < 20_000; step++) {
      String key = keySpace.get(random.nextInt(keySpace.size()));
      int what = random.nextInt(10);
      Current now = model.get(key);
      KeyDirEntry e =
          new KeyDirEntry(
              1 + random.nextInt(3),
              random.nextInt(1 << 20),
              1 + random.nextInt(500),
              ++seq,
              seq,
              random.nextInt(),
              random.nextInt(4) == 0 ? 1_000_000 + seq : 0);
      if (what < 5) {
        RecordKind kind = RecordKind.values()[random.nextInt(3)];
        dir.put(key, e, kind);
        model.put(key, new Current(e, kind));
      } else if (what < 7 && now != null) {
        boolean moved = dir.relocate(key, now.entry(), e, now.kind());
        assertEquals(true, moved, "step " + step);
        model.put(key, new Current(e, now.kind()));
        KeyDirEntry stale = new KeyDirEntry(9, 9, 9, 9, 9, 9, 0);
        assertEquals(false, dir.relocate(key, stale, e, now.kind()), "step " + step);
      } else if (what < 9 && now != null && now.kind() != RecordKind.PUT) {
        dir.forget(key, now.entry(), now.kind());
        model.remove(key);
        if (seed % 2 == 0 && random.nextInt(8) == 0) {
          dir.compactKeysNow();
          assertEquals(0, dir.garbageKeyBytes());
        }
      } else if (what == 9) {
        String from = keySpace.get(random.nextInt(keySpace.size()));
        boolean inclusive = random.nextBoolean();
        List<String> expected = new ArrayList<>(model.tailMap(from, inclusive).keySet());
        List<String> got = new ArrayList<>(dir.sortedKeys().tailSet(from, inclusive));
        assertEquals(expected, got, "step " + step + " tailSet(" + from + ")");
      }
      for (RecordKind kind : RecordKind.values()) {
        Current c = model.get(key);
        KeyDirEntry want = c != null && c.kind() == kind ? c.entry() : null;
        KeyDirEntry got =
            switch (kind) {
              case PUT -> dir.get(key);
              case DELETE -> dir.tombstone(key);
              case HANDOFF -> dir.handoff(key);
            };
        assertEquals(want, got, "step " + step + " " + kind + " " + key);
      }
    }
    assertEquals(List.copyOf(model.keySet()), List.copyOf(dir.sortedKeys()));
    Map<String, KeyDirEntry> live = new HashMap<>();
    model.forEach(
        (k, c) -> {
          if (c.kind() == RecordKind.PUT) live.put(k, c.entry());
        });
    assertEquals(live, new HashMap<>(dir.live()));
    assertEquals(live.size(), dir.size());
    for (String key : keySpace) {
      Current c = model.get(key);
      assertEquals(c == null ? null : c.entry().expiresAt(), lookupExpiry(dir, key));
    }
  }

  private static Long lookupExpiry(KeyDirectory dir, String key) {
    for (KeyDirEntry e : new KeyDirEntry[] {dir.get(key), dir.tombstone(key), dir.handoff(key)}) {
      if (e != null) return e.expiresAt();
    }
    return null;
  }
}
