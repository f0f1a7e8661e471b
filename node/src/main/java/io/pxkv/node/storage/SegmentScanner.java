package io.pxkv.node.storage;

import io.pxkv.node.storage.RecordCodec.CorruptRecordException;
import io.pxkv.node.storage.RecordCodec.Record;
import io.pxkv.node.storage.RecordCodec.UnsupportedRecordException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads the records of one segment file in order, through a read-ahead window so that a scan costs
 * a few large reads rather than one per record. Used by recovery and by compaction. It never skips
 * anything on its own: {@link #read} says what is at an offset, and the caller decides what a bad
 * record means (torn tail, corruption) and whether to {@link #resync}. A whole, CRC-valid record
 * that a newer version wrote is not a bad record: {@link #read} throws {@link
 * NewerFormatException}. Confined to one thread.
 */
final class SegmentScanner {
  private static final int WINDOW_BYTES = 256 * 1024;

  /** What sits at an offset: a valid record and its size, or a problem saying why not. */
  record Step(Record record, int size, String problem) {}

  private final FileChannel channel;
  private final Path path;
  private final long fileSize;
  private final int format;
  private final int headerBytes;
  private ByteBuffer window = ByteBuffer.allocate(WINDOW_BYTES);
  private long windowStart;
  private int windowLength;

  SegmentScanner(FileChannel channel, Segment segment, long fileSize) {
    this.channel = channel;
    this.path = segment.path();
    this.fileSize = fileSize;
    this.format = segment.format();
    this.headerBytes = RecordCodec.headerBytes(format);
  }

  Step read(long pos) throws IOException {
    long left = fileSize - pos;
    if (left < headerBytes) {
      return problem("only " + left + " bytes left, less than a record header");
    }
    int at = load(pos, headerBytes);
    int size = RecordCodec.sizeFromHeader(window, at, format);
    if (size < 0) return problem("record header has impossible lengths");
    if (size > left) {
      return problem("record of " + size + " bytes runs past the end (" + left + " bytes left)");
    }
    at = load(pos, size);
    ByteBuffer record = window.duplicate();
    record.limit(at + size).position(at);
    try {
      return new Step(RecordCodec.decode(record, format), size, null);
    } catch (CorruptRecordException e) {
      return problem(e.getMessage());
    } catch (UnsupportedRecordException e) {
      throw new NewerFormatException(path, pos, e.getMessage());
    }
  }

  /**
   * The first offset at or after {@code from} where a whole record with a matching CRC starts, or
   * -1 if there is none before the end of the file.
   */
  long resync(long from) throws IOException {
    for (long pos = from; pos + headerBytes <= fileSize; pos++) {
      int at = load(pos, headerBytes);
      int size = RecordCodec.sizeFromHeader(window, at, format);
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
