package io.pxkv.node.storage;

import java.util.List;

/**
 * What compression and encryption did since the engine opened, for {@code /admin/stats}.
 *
 * @param compression the codec new values get ({@code none}, {@code deflate})
 * @param compressionMinBytes the smallest value that is tried
 * @param valuesWritten values given to puts and imports (an import that turns out older than the
 *     key's current write counts too: its value was prepared before that was decided)
 * @param valuesCompressed of those, the ones deflated (the others did not shrink or were small)
 * @param rawBytes bytes of those values as given
 * @param storedBytes bytes of those values as stored, before encryption
 * @param encryptionKeyId the key id new records are encrypted under; null: no encryption
 * @param keyIdsOnDisk the key ids records on disk may be encrypted under; the current one alone
 *     once a key rotation is complete
 * @param recordsReencrypted records compaction re-encrypted under the current key
 */
public record CodecStats(
    String compression,
    int compressionMinBytes,
    long valuesWritten,
    long valuesCompressed,
    long rawBytes,
    long storedBytes,
    Integer encryptionKeyId,
    List<Integer> keyIdsOnDisk,
    long recordsReencrypted) {

  /** Stored bytes per raw byte of the values written (1.0 before any). */
  public double ratio() {
    return rawBytes == 0 ? 1.0 : (double) storedBytes / rawBytes;
  }
}
