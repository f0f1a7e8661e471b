package io.pxkv.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One segment file as the engine sees it: its id, its record format, its size so far, how many of
 * its bytes are still live (the current record of their key: a value, or a tombstone or handoff
 * marker still kept), the smallest seq it holds, and a shared read channel. Reads are positional,
 * so any number of threads can read at once. Thread-safe.
 *
 * <p>A thread interrupted in the middle of a read closes a {@link FileChannel} for everyone; the
 * channel is then reopened by the next reader rather than failing every read after it. Once the
 * segment is {@link #retire retired} (deleted by compaction, or the engine closed) reads fail with
 * {@link ClosedChannelException} and the caller looks the key up again.
 */
final class Segment {
  private final int id;
  private final Path path;
  private final StorageFiles files;
  private final AtomicLong size;
  private final AtomicLong liveBytes = new AtomicLong();
  private final AtomicLong rawBytes = new AtomicLong();
  private final AtomicLong minSeq = new AtomicLong(Long.MAX_VALUE);
  private final int format;
  private FileChannel reader;
  private boolean retired;

  Segment(int id, Path path, StorageFiles files, long size, int format) {
    this.id = id;
    this.format = format;
    this.path = path;
    this.files = files;
    this.size = new AtomicLong(size);
  }

  int id() {
    return id;
  }

  Path path() {
    return path;
  }

  /** The record format: {@link RecordCodec#FORMAT_1} or {@link RecordCodec#FORMAT_2}. */
  int format() {
    return format;
  }

  /** Where the first record starts: after the {@link SegmentHeader}, if the format has one. */
  long dataStart() {
    return format == RecordCodec.FORMAT_1 ? 0 : SegmentHeader.BYTES;
  }

  long size() {
    return size.get();
  }

  void grow(long bytes) {
    size.addAndGet(bytes);
  }

  long liveBytes() {
    return liveBytes.get();
  }

  void addLive(long delta) {
    liveBytes.addAndGet(delta);
  }

  /**
   * Bytes of values written here as given that compaction should try to deflate ({@link
   * ValueCoding#deflates}): counted as the writer appends them, or as recovery scans the segment.
   * Compaction outputs count none: every value in them was tried. Not lowered when a value dies.
   */
  long rawBytes() {
    return rawBytes.get();
  }

  void addRaw(long bytes) {
    rawBytes.addAndGet(bytes);
  }

  /**
   * Live value bytes still waiting to be deflated, at most: the raw bytes written, capped by the
   * live bytes (a value overwritten since is dead, and no longer waits).
   */
  long pendingRawBytes() {
    return Math.min(rawBytes.get(), liveBytes.get());
  }

  /** The smallest seq of any record here, {@code Long.MAX_VALUE} while empty. */
  long minSeq() {
    return minSeq.get();
  }

  void sawSeq(long seq) {
    if (seq < minSeq.get()) minSeq.accumulateAndGet(seq, Math::min);
  }

  /** Reads exactly {@code length} bytes at {@code offset}. */
  ByteBuffer read(long offset, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    for (int attempt = 0; ; attempt++) {
      FileChannel channel = channel();
      try {
        while (buf.hasRemaining()) {
          int n = channel.read(buf, offset + buf.position());
          if (n < 0) {
            throw new IOException(
                "unexpected end of "
                    + path.getFileName()
                    + " at byte "
                    + (offset + buf.position()));
          }
        }
        return buf.flip();
      } catch (ClosedChannelException e) {
        if (attempt > 0 || isRetired()) throw e;
        reopen(channel);
        buf.clear();
      }
    }
  }

  private synchronized FileChannel channel() throws IOException {
    if (retired) throw new ClosedChannelException();
    if (reader == null) reader = files.openRead(path);
    return reader;
  }

  private synchronized void reopen(FileChannel broken) {
    if (reader == broken) reader = null;
  }

  synchronized boolean isRetired() {
    return retired;
  }

  /** Closes the read channel for good: the file is being deleted or the engine closed. */
  synchronized void retire() {
    retired = true;
    closeReader();
  }

  private void closeReader() {
    if (reader == null) return;
    try {
      reader.close();
    } catch (IOException e) {
      // Read-only channel: closing cannot lose data, and the engine is letting go of it anyway.
    }
    reader = null;
  }

  @Override
  public String toString() {
    return path.getFileName().toString();
  }
}
