package io.pxkv.node.async;

/**
 * Told by the {@link StorageService} about every write it applied: puts, deletes, imports, handoffs
 * and tombstones, on the caller's event loop once the engine acknowledged the write. The node's
 * value indexes hang here, outside the storage engine. Calls about one key may arrive out of order
 * when writes of it race; {@code version} orders them.
 */
public interface WriteListener {
  WriteListener NONE = (key, value, version) -> {};

  /**
   * Before a put is queued: throws a {@link io.pxkv.common.error.KvException} for a value that must
   * not be written (a vector of the wrong length for an index, say).
   */
  default void check(String key, byte[] value) {}

  /**
   * Write {@code version} of {@code key} was applied: {@code value} is the key's value now, or null
   * when the key is no longer live on this node (deleted, or handed off to another node).
   */
  void applied(String key, byte[] value, long version);
}
