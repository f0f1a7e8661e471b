package io.pxkv.common.kv;

import io.pxkv.common.ring.Murmur3;
import java.nio.charset.StandardCharsets;

/**
 * The order of two writes of one key, the same on every node and router: by version (the hybrid
 * logical clock, larger is newer), then by the writer id of the node that issued the version,
 * compared as an unsigned 32-bit number. Equal pairs are the same write.
 */
public final class WriteOrder {
  private WriteOrder() {}

  /**
   * Negative, zero or positive as write (v1, w1) is older than, the same as or newer than (v2, w2).
   */
  public static int compare(long v1, int w1, long v2, int w2) {
    int byVersion = Long.compare(v1, v2);
    return byVersion != 0 ? byVersion : Integer.compareUnsigned(w1, w2);
  }

  /**
   * The writer id of the node named {@code nodeId}: the low 32 bits of the ring's Murmur3 hash of
   * its UTF-8 bytes. Stable across restarts, and different for different ids but for a 2^-32 chance
   * (two nodes sharing an id would only make ties of equal versions break alike on both).
   */
  public static int writerIdOf(String nodeId) {
    return (int) Murmur3.hash64(nodeId.getBytes(StandardCharsets.UTF_8));
  }

  /** The writer id as it appears in JSON: the unsigned value of its 32 bits. */
  public static long writerJson(int writer) {
    return Integer.toUnsignedLong(writer);
  }
}
