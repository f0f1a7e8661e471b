package io.pxkv.node.storage;

/**
 * When the writer thread fsyncs. Every mode completes a write's future only after its bytes were
 * handed to the operating system with {@code write()}, so a killed process (kill -9, a crash of the
 * JVM) never loses an acknowledged write; the modes differ only in what a power loss or kernel
 * crash can take.
 */
public enum SyncMode {
  /**
   * fsync before any future of a batch completes; concurrent writers share one fsync (group
   * commit). A power loss loses no acknowledged write.
   */
  ALWAYS,
  /**
   * fsync at most every {@code syncIntervalMillis}, and within that interval after the last write
   * even when idle. A power loss loses at most the writes acknowledged in the last interval.
   */
  INTERVAL,
  /**
   * Never fsync during writes (only at segment roll-over and close); the kernel writes back when it
   * likes (typically within 30 s on Linux). A power loss can lose any write not yet written back.
   */
  NEVER
}
