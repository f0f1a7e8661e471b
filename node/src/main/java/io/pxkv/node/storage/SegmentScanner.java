package io.pxkv.node.storage;

import io.pxkv.node.storage.RecordCodec.CorruptRecordException;
import io.pxkv.node.storage.RecordCodec.Record;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads the records of one segment file in order, through a read-ahead window so that a scan costs
 * a few large reads rather than one per record. Used by recovery and by compaction. It never skips
 * anything on its own: {@link #read} says what is at an offset, and the caller decides what a bad
 * record means (torn tail, corruption) and whether to {@link #resync}. Confined to one thread.
 */
final class SegmentScanner {
  private static final int WINDOW_BYTES = 256 * 1024;

  /** What sits at an offset: a valid record and its size, or a problem saying why not. */
  record Step(Record record, int size, String problem) {}

  private final FileChannel channel;
  private final long fileSize;
  private ByteBuffer window = ByteBuffer.allocate(WINDOW_BYTES);
  private long windowStart;
  private int windowLength;

  SegmentScanner(FileChannel channel, long fileSize) {
    this.channel = channel;
    this.fileSize = fileSize;
  }

  Step read(long pos) throws IOException {
    long left = fileSize - pos;
    if (left < RecordCodec.HEADER_BYTES) {
      return problem("only " + left + " bytes left, less than a record header");
    }
    int at = load(pos, RecordCodec.HEADER_BYTES);
    int size = RecordCodec.sizeFromHeader(window, at);
    if (size < 0) return problem("record header has impossible lengths");
    if (size > left) {
      return problem("record of " + size + " bytes runs past the end (" + left + " bytes left)");
    }
    at = load(pos, size);
    ByteBuffer record = window.duplicate();
    record.limit(at + size).position(at);
    try {
      return new Step(RecordCodec.decode(record), size, null);
    } catch (CorruptRecordException e) {
      return problem(e.getMessage());
    }
  }

  /**
   * The first offset at or after {@code from} where a whole record with a matching CRC starts, or
   * -1 if there is none before the end of the file.
   */
  long resync(long from) throws IOException {
    for (long pos = from; pos + RecordCodec.HEADER_BYTES <= fileSize; pos++) {
      int at = load(pos, RecordCodec.HEADER_BYTES);
      int size = RecordCodec.sizeFromHeader(window, at);
      if (size < 0 || pos + size > fileSize) continue;
      at = load(pos, size);
      if (RecordCodec.crcMatches(window, at, size)) return pos;
    }
    return -1;
  }

  private static Step problem(String why) {
    return new Step(null, 0, why);
  }

  /** Makes bytes [pos, pos + length) available in the window; returns their index there. */
  private int load(long pos, int length) throws IOException {
    if (pos >= windowStart && pos + length <= windowStart + windowLength) {
      return (int) (pos - windowStart);
    }
    if (window.capacity() < length) window = ByteBuffer.allocate(length);
    int want = (int) Math.min(window.capacity(), fileSize - pos);
    window.clear().limit(want);
    while (window.hasRemaining()) {
      int n = channel.read(window, pos + window.position());
      if (n < 0) throw new IOException("file shrank while being read, at byte " + pos);
    }
    windowStart = pos;
    windowLength = want;
    return 0;
  }
}
