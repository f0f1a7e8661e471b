package io.pxkv.node.storage;

import io.pxkv.node.storage.StorageEngine.Stamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcomes of one batch of the disk engine's writer, appended but not yet durable, and the key
 * directory as that batch sees it.
 *
 * <p>Each op leaves one outcome: a record of some kind appended (applied to the key directory once
 * the batch is durable), or none (a delete of an absent key, a skipped import, a gate op). Either
 * way its ack runs only after the batch is durable, since a decision not to write may rest on an
 * earlier write of the same batch, which a failed fsync takes back. Confined to {@code kv-write}.
 */
final class BatchWrites {
  private record Written(String key, KeyDirEntry entry, RecordKind kind, Runnable ack) {}

  private final KeyDirectory keydir;
  private final List<Written> written = new ArrayList<>();
  private final Map<String, Written> newest = new HashMap<>(); // key -> its newest record here

  BatchWrites(KeyDirectory keydir) {
    this.keydir = keydir;
  }

  /** A record appended for {@code key}: the key's newest in this batch. */
  void wrote(String key, KeyDirEntry entry, RecordKind kind, Runnable ack) {
    Written w = new Written(key, entry, kind, ack);
    newest.put(key, w);
    written.add(w);
  }

  /** An op that wrote nothing, answered with the batch. */
  void nothing(Runnable ack) {
    written.add(new Written(null, null, null, ack));
  }

  /** The key's live record, counting this batch's writes; null if not live. */
  KeyDirEntry live(String key) {
    Written w = newest.get(key);
    if (w != null) return w.kind() == RecordKind.PUT ? w.entry() : null;
    return keydir.get(key);
  }

  /** The key's held tombstone, counting this batch's writes; null if none. */
  KeyDirEntry deleted(String key) {
    Written w = newest.get(key);
    if (w != null) return w.kind() == RecordKind.DELETE ? w.entry() : null;
    return keydir.tombstone(key);
  }

  /** The key's live write or held tombstone as {@link WriteRules} take it; null otherwise. */
  Stamp current(String key) {
    KeyDirEntry live = live(key);
    if (live != null) return new Stamp(live.version(), live.writer(), false);
    KeyDirEntry deleted = deleted(key);
    return deleted == null ? null : new Stamp(deleted.version(), deleted.writer(), true);
  }

  /** The batch is durable: the key directory takes its records, in order. */
  void apply() {
    for (Written w : written) {
      if (w.entry() != null) keydir.put(w.key(), w.entry(), w.kind());
    }
  }

  /** Answers every op of the batch, in order. */
  void ackAll() {
    for (Written w : written) w.ack().run();
  }
}
