package io.pxkv.node.hints;

import io.pxkv.node.storage.StorageEngine.StoredRecord;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One append-only file of hints for one target node: writes another node missed, kept here until
 * they are handed over to it. Written to disk: never change the layout without a new magic.
 *
 * <pre>
 *   header   "PXHINT01"  u16 id length, id (UTF-8)  u16 url length, url (UTF-8)  u32 crc32c of all before
 *   record   u32 payload length  u32 crc32c of the payload  payload
 *   payload  u64 created (ms)  u64 version  u32 writer  u64 expiresAt  u8 kind (1 value, 2 tombstone)
 *            u32 key length, key (UTF-8)  u32 value length, value (absent for a tombstone)
 * </pre>
 *
 * Opening scans every record: a record cut short, or whose CRC does not match, ends the file there
 * (a torn tail: the write a crash interrupted was never acknowledged) and the file is truncated to
 * its last whole record. A file whose header is damaged holds no hint that can be trusted to a
 * target and is deleted. Not thread-safe: {@link HintStore} calls it from one thread.
 */
final class HintLog implements Closeable {
  static final byte[] MAGIC = "PXHINT01".getBytes(StandardCharsets.US_ASCII);
  static final String SUFFIX = ".hints";

  /** A record larger than this is damage, not a hint (values are far smaller). */
  static final int MAX_PAYLOAD = 64 << 20;

  private static final int FRAME = 8;
  private static final int FIXED = 8 + 8 + 4 + 8 + 1 + 4;
  private static final byte VALUE = 1;
  private static final byte TOMBSTONE = 2;

  /** One hint read back: the record and when this node took it, and where the next one starts. */
  record Read(StoredRecord record, long createdMillis, long end) {}

  final Path file;
  final String target;
  private final FileChannel channel;
  private final long headerEnd;
  private long size;
  private long records;

  private HintLog(Path file, String target, FileChannel channel, long headerEnd, long size) {
    this.file = file;
    this.target = target;
    this.channel = channel;
    this.headerEnd = headerEnd;
    this.size = size;
  }

  /** A new, empty file for {@code target} (reached at {@code url}), header durable. */
  static HintLog create(Path file, String target, String url) throws IOException {
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      ByteBuffer header = header(target, url);
      int length = header.remaining();
      writeFully(ch, header, 0);
      ch.force(true);
      return new HintLog(file, target, ch, length, length);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** What {@link #open} found in a file: the log, or null with the reason it was deleted. */
  record Opened(HintLog log, String url, long tornBytes, String deleted) {}

  /** Opens an existing file, truncating a torn tail; deletes it if its header is damaged. */
  static Opened open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      long fileSize = ch.size();
      String[] idAndUrl = new String[2];
      long headerEnd = readHeader(ch, fileSize, idAndUrl);
      if (headerEnd < 0) {
        ch.close();
        Files.delete(file);
        return new Opened(null, null, 0, "its header is damaged");
      }
      HintLog log = new HintLog(file, idAndUrl[0], ch, headerEnd, headerEnd);
      long at = headerEnd;
      long count = 0;
      while (true) {
        long end = log.frameEnd(at, fileSize);
        if (end < 0) break;
        at = end;
        count++;
      }
      long torn = fileSize - at;
      if (torn > 0) {
        ch.truncate(at);
        ch.force(true);
      }
      log.size = at;
      log.records = count;
      return new Opened(log, idAndUrl[1], torn, null);
    } catch (IOException | RuntimeException e) {
      if (ch.isOpen()) ch.close();
      throw e;
    }
  }

  /** Appends {@code records}, taken at {@code createdMillis}; durable only after {@link #force}. */
  void append(List<StoredRecord> records, long createdMillis) throws IOException {
    int total = 0;
    List<byte[]> keys = new ArrayList<>(records.size());
    for (StoredRecord r : records) {
      byte[] key = r.key().getBytes(StandardCharsets.UTF_8);
      keys.add(key);
      total += FRAME + FIXED + key.length + (r.value() == null ? 0 : 4 + r.value().length);
    }
    ByteBuffer out = ByteBuffer.allocate(total);
    CRC32C crc = new CRC32C();
    for (int i = 0; i < records.size(); i++) {
      StoredRecord r = records.get(i);
      byte[] key = keys.get(i);
      int payload = FIXED + key.length + (r.value() == null ? 0 : 4 + r.value().length);
      int start = out.position();
      out.putInt(payload).putInt(0);
      out.putLong(createdMillis).putLong(r.version()).putInt(r.writer()).putLong(r.expiresAt());
      out.put(r.value() == null ? TOMBSTONE : VALUE);
      out.putInt(key.length).put(key);
      if (r.value() != null) out.putInt(r.value().length).put(r.value());
      crc.reset();
      crc.update(out.array(), start + FRAME, payload);
      out.putInt(start + 4, (int) crc.getValue());
    }
    out.flip();
    long at = size;
    try {
      writeFully(channel, out, at);
    } catch (IOException e) {
      // Leave no half-written record behind a later append.
      channel.truncate(at);
      throw e;
    }
    size = at + total;
    this.records += records.size();
  }

  void force() throws IOException {
    channel.force(false);
  }

  /**
   * Up to {@code max} hints from offset {@code from} (0: the first), at most about {@code bytes}.
   */
  List<Read> read(long from, int max, long bytes) throws IOException {
    long at = Math.max(from, headerEnd);
    List<Read> out = new ArrayList<>();
    long taken = 0;
    while (at < size && out.size() < max && (out.isEmpty() || taken < bytes)) {
      ByteBuffer frame = ByteBuffer.allocate(FRAME);
      readFully(channel, frame, at);
      int length = frame.getInt(0);
      ByteBuffer payload = ByteBuffer.allocate(length);
      readFully(channel, payload, at + FRAME);
      payload.flip();
      long created = payload.getLong();
      long version = payload.getLong();
      int writer = payload.getInt();
      long expiresAt = payload.getLong();
      byte kind = payload.get();
      byte[] key = new byte[payload.getInt()];
      payload.get(key);
      byte[] value = null;
      if (kind == VALUE) {
        value = new byte[payload.getInt()];
        payload.get(value);
      }
      String k = new String(key, StandardCharsets.UTF_8);
      StoredRecord r =
          value == null
              ? new StoredRecord(k, null, version, writer)
              : StoredRecord.expiring(k, value, version, writer, expiresAt);
      at += FRAME + length;
      taken += FRAME + length;
      out.add(new Read(r, created, at));
    }
    return out;
  }

  /** The offset after the last whole record. */
  long size() {
    return size;
  }

  /** Where the first record starts. */
  long headerEnd() {
    return headerEnd;
  }

  /** Records in the file (delivered or not). */
  long records() {
    return records;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** The end of the whole, CRC-valid record at {@code at}, or -1 if there is none. */
  private long frameEnd(long at, long fileSize) throws IOException {
    if (fileSize - at < FRAME) return -1;
    ByteBuffer frame = ByteBuffer.allocate(FRAME);
    readFully(channel, frame, at);
    int length = frame.getInt(0);
    int stored = frame.getInt(4);
    if (length < FIXED || length > MAX_PAYLOAD || fileSize - at - FRAME < length) return -1;
    ByteBuffer payload = ByteBuffer.allocate(length);
    readFully(channel, payload, at + FRAME);
    CRC32C crc = new CRC32C();
    crc.update(payload.array(), 0, length);
    if ((int) crc.getValue() != stored) return -1;
    // The lengths inside must add up too, or reading it back later would fail.
    payload.position(8 + 8 + 4 + 8);
    byte kind = payload.get();
    int keyLength = payload.getInt();
    if (keyLength < 0 || keyLength > length - FIXED) return -1;
    if (kind == TOMBSTONE) return length == FIXED + keyLength ? at + FRAME + length : -1;
    if (kind != VALUE || length < FIXED + keyLength + 4) return -1;
    payload.position(FIXED + keyLength);
    return payload.getInt() == length - FIXED - keyLength - 4 ? at + FRAME + length : -1;
  }

  private static ByteBuffer header(String target, String url) {
    byte[] id = target.getBytes(StandardCharsets.UTF_8);
    byte[] u = url.getBytes(StandardCharsets.UTF_8);
    if (id.length > 0xFFFF || u.length > 0xFFFF) {
      throw new IllegalArgumentException("node id or url too long for a hint file");
    }
    ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + id.length + 2 + u.length + 4);
    b.put(MAGIC).putShort((short) id.length).put(id).putShort((short) u.length).put(u);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    b.flip();
    return b;
  }

  /** The header's end, with id and url in {@code out}; -1 if the header is damaged. */
  private static long readHeader(FileChannel ch, long fileSize, String[] out) throws IOException {
    int max = (int) Math.min(fileSize, MAGIC.length + 4 + 2 * 0xFFFF + 4);
    ByteBuffer b = ByteBuffer.allocate(max);
    readFully(ch, b, 0);
    b.flip();
    if (b.remaining() < MAGIC.length + 2) return -1;
    byte[] magic = new byte[MAGIC.length];
    b.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) return -1;
    int idLength = Short.toUnsignedInt(b.getShort());
    if (idLength == 0 || b.remaining() < idLength + 2) return -1;
    byte[] id = new byte[idLength];
    b.get(id);
    int urlLength = Short.toUnsignedInt(b.getShort());
    if (b.remaining() < urlLength + 4) return -1;
    byte[] url = new byte[urlLength];
    b.get(url);
    int end = b.position();
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, end);
    if ((int) crc.getValue() != b.getInt()) return -1;
    out[0] = new String(id, StandardCharsets.UTF_8);
    out[1] = new String(url, StandardCharsets.UTF_8);
    return end + 4;
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) pos += ch.write(b, pos);
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) throw new EOFException("hint file ends inside a record at " + at);
      pos += n;
    }
  }
}
