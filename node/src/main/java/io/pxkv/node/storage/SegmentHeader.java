package io.pxkv.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The first bytes of every {@code *.seg} segment: {@code magic "PXKS" (4 bytes) | format:u32}, then
 * records of that format ({@link RecordCodec}). Format-1 segments ({@code *.data}) have no header.
 * Written to disk: never change.
 *
 * <p>A new segment is created with its header and fsynced (file and directory) before any record
 * goes into it, so a header shorter than 8 bytes can only be a crash during that creation, in the
 * newest segment; a header naming a format above {@link #FORMAT_VERSION} is a newer version's.
 */
final class SegmentHeader {
  /** The record format of new segments. */
  static final int FORMAT_VERSION = RecordCodec.FORMAT_2;

  static final int BYTES = 8;
  static final int MAGIC = 0x50584b53; // "PXKS"

  private SegmentHeader() {}

  static ByteBuffer encode() {
    return ByteBuffer.allocate(BYTES).putInt(MAGIC).putInt(FORMAT_VERSION).flip();
  }

  /**
   * Creates segment file {@code path} holding only its header, fsyncs it and the directory, and
   * returns the segment.
   */
  static Segment create(StorageFiles files, Path dir, int id, Path path) throws IOException {
    try (FileChannel channel = files.openAppend(path)) {
      files.write(channel, encode());
      files.sync(channel);
    }
    files.syncDirectory(dir);
    return new Segment(id, path, files, BYTES, FORMAT_VERSION);
  }

  /** What the first bytes of a {@code *.seg} file say. */
  sealed interface Parsed permits Format, Short, Foreign {}

  /** A header naming {@code format} (possibly one this version cannot read). */
  record Format(int format) implements Parsed {}

  /** Fewer than {@link #BYTES} bytes: a creation cut short by a crash, or damage. */
  record Short(long size) implements Parsed {}

  /** Bytes that are no segment header. */
  record Foreign() implements Parsed {}

  static Parsed read(StorageFiles files, Path path, long size) throws IOException {
    if (size < BYTES) return new Short(size);
    ByteBuffer buf = ByteBuffer.allocate(BYTES);
    try (FileChannel channel = files.openRead(path)) {
      while (buf.hasRemaining()) {
        if (channel.read(buf, buf.position()) < 0) return new Short(buf.position());
      }
    }
    if (buf.getInt(0) != MAGIC) return new Foreign();
    return new Format(buf.getInt(4));
  }
}
