package io.pxkv.node.storage;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;

/**
 * Which epoch tags a write may carry: 0 (untagged) always; else at least the fenced epoch and at
 * most the open one. Both start at 0, so a tagged write is refused until the node's cluster layer
 * opens an epoch. Not thread-safe: confined to the engine's writer (or its lock), which is what
 * orders {@code fence} and {@code open} with the writes.
 */
final class WriteGate {
  private long fenced;
  private long open;

  boolean admits(long tag) {
    return tag == 0 || (tag >= fenced && tag <= open);
  }

  /** Refuses tags below {@code epoch} from now on; a lower or equal epoch changes nothing. */
  void fence(long epoch) {
    if (epoch > fenced) fenced = epoch;
  }

  /** Admits tags up to {@code epoch}; a lower epoch changes nothing. */
  void open(long epoch) {
    if (epoch > open) open = epoch;
  }

  KvException refusal(long tag) {
    return new KvException(
        ErrorCode.STALE_VIEW,
        "a write routed by view "
            + tag
            + " was refused: this node is fenced at view "
            + fenced
            + " and open at view "
            + open);
  }
}
