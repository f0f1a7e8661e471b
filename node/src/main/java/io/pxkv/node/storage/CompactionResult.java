package io.pxkv.node.storage;

/**
 * What one compaction did, for the admin call that asked for it.
 *
 * @param segmentsIn segment files rewritten (and deleted)
 * @param segmentsOut segment files written in their place
 * @param bytesReclaimed disk bytes freed: input sizes minus output sizes
 */
public record CompactionResult(int segmentsIn, int segmentsOut, long bytesReclaimed) {
  public static final CompactionResult NOTHING = new CompactionResult(0, 0, 0);
}
