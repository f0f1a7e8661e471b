package io.pxkv.common.ring;

/**
 * Maps a key to a position on the ring, a signed 64-bit number read as unsigned. Positions must
 * never change across releases: they decide which node holds which key on disk.
 *
 * <p>Implementations are pure and thread-safe.
 */
@FunctionalInterface
public interface HashFunction {
  /** The ring position of {@code key}, hashed over its UTF-8 bytes. */
  long hash(String key);
}
