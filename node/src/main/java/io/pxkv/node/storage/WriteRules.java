package io.pxkv.node.storage;

import io.pxkv.common.kv.WriteOrder;
import io.pxkv.node.storage.StorageEngine.Stamp;
import java.util.Optional;

/**
 * The rules of the rebalancing writes, decided from the key's current write alone, so that the disk
 * engine ({@link LogWriter}) and the memory engine ({@link InMemoryEngine}) cannot drift apart.
 * {@code current} is always the key's live write or its held tombstone ({@link Stamp#deleted}), or
 * null when the key is absent or handed off: a handoff marker is never a write a rule compares
 * with.
 */
final class WriteRules {
  private WriteRules() {}

  /**
   * Import-if-newer: a moved or restored write (a value, or a tombstone) is stored only if it is
   * ordered after the key's current write ({@link WriteOrder}); version 0 is never stored.
   */
  static boolean imports(long version, int writer, Stamp current) {
    return version > 0
        && (current == null
            || WriteOrder.compare(version, writer, current.version(), current.writer()) > 0);
  }

  /** A delete writes a tombstone only over a live key; deleting an absent key writes nothing. */
  static boolean deletes(Stamp current) {
    return current != null && !current.deleted();
  }

  /**
   * A tombstone is written whatever the key's state; it answers with what it replaced: the live
   * write, the held tombstone, or nothing.
   */
  static Optional<Stamp> tombstoneReplaces(Stamp current) {
    return Optional.ofNullable(current);
  }

  /**
   * Handoff-if-version: the key leaves this node only if its current write (value or tombstone) is
   * exactly the one that was copied, (version, writer); a write that came meanwhile stays.
   */
  static boolean handsOff(long version, int writer, Stamp current) {
    return current != null && current.version() == version && current.writer() == writer;
  }
}
