package io.pxkv.node.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Data on disk that a newer version of px-kvstore wrote and this one cannot read: a segment whose
 * header names a newer format, or a whole, CRC-valid record of a kind or with a flag this version
 * does not know. The engine refuses to start, also with {@code recover=true}: the data is not
 * damaged, and dropping it would lose writes.
 */
public final class NewerFormatException extends IOException {
  NewerFormatException(Path file, long offset, String what) {
    super(
        "data in "
            + file.toAbsolutePath()
            + " at byte offset "
            + offset
            + " was written by a newer version of px-kvstore ("
            + what
            + "); this version reads segment formats 1 and "
            + SegmentHeader.FORMAT_VERSION
            + " and refuses to start rather than drop it: run the newer version");
  }
}
