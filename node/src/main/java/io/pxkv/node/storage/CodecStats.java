package io.pxkv.node.storage;

import java.util.List;

/**
 * What compression and encryption did since the engine opened, for {@code /admin/stats}. Values are
 * written as given; compaction deflates them as it copies them (docs/STORAGE.md), so the
 * compression counters are compaction's.
 *
 * @param compression the codec compaction gives values ({@code none}, {@code deflate})
 * @param compressionMinBytes the smallest value that is tried
 * @param valuesWritten values given to puts and imports (an import that turns out older than the
 *     key's current write counts too: its value was prepared before that was decided)
 * @param writtenBytes bytes of those values, written as given
 * @param valuesTried values stored as given that compaction tried to deflate
 * @param valuesCompressed of those, the ones stored deflated (the others did not shrink)
 * @param rawBytes bytes of the values tried, as given
 * @param storedBytes bytes of the values tried, as compaction stored them, before encryption
 * @param deflateMillis CPU time compaction spent deflating them (wall clock on its thread)
 * @param pendingRawBytes live value bytes stored as given that compaction has yet to try (at most:
 *     see {@link Segment#pendingRawBytes}); 0 with compression {@code none}
 * @param encryptionKeyId the key id new records are encrypted under; null: no encryption
 * @param keyIdsOnDisk the key ids records on disk may be encrypted under; the current one alone
 *     once a key rotation is complete
 * @param recordsReencrypted records compaction re-encrypted under the current key
 */
public record CodecStats(
    String compression,
    int compressionMinBytes,
    long valuesWritten,
    long writtenBytes,
    long valuesTried,
    long valuesCompressed,
    long rawBytes,
    long storedBytes,
    long deflateMillis,
    long pendingRawBytes,
    Integer encryptionKeyId,
    List<Integer> keyIdsOnDisk,
    long recordsReencrypted) {

  /** Stored bytes per raw byte of the values compaction tried (1.0 before any). */
  public double ratio() {
    return rawBytes == 0 ? 1.0 : (double) storedBytes / rawBytes;
  }
}
