package io.pxkv.node.storage;

import io.pxkv.node.storage.RecordCodec.Record;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files one compaction writes: segments of the current format with ids from the range the
 * writer reserved, each with its hint, first as {@code *.tmp} and then {@link #publish published};
 * and the key-directory changes to make once they are durable. Confined to {@code kv-compact}.
 */
final class CompactionOutput {
  private static final int BUFFER_BYTES = 1 << 20;

  private record Move(String key, KeyDirEntry from, KeyDirEntry to, RecordKind kind) {}

  private record Drop(String key, KeyDirEntry entry, RecordKind kind) {}

  /** One output segment being written. */
  private static final class Part {
    final int id;
    final FileChannel channel;
    final List<HintFile.Entry> hints = new ArrayList<>();
    long size = SegmentHeader.BYTES;
    long minSeq = Long.MAX_VALUE;

    Part(int id, FileChannel channel) {
      this.id = id;
      this.channel = channel;
    }
  }

  private final Path dir;
  private final StorageFiles files;
  private final int firstId;
  private final int ids;
  private final long segmentBytes;
  private final List<Part> parts = new ArrayList<>();
  private final List<Move> moves = new ArrayList<>();
  private final List<Drop> drops = new ArrayList<>();
  private final List<Segment> published = new ArrayList<>();
  private final StoredValues values;
  private ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);

  CompactionOutput(
      Path dir, StorageFiles files, int firstId, int ids, long segmentBytes, StoredValues values) {
    this.values = values;
    this.dir = dir;
    this.files = files;
    this.firstId = firstId;
    this.ids = ids;
    this.segmentBytes = segmentBytes;
  }

  /**
   * Copies a current record with its kind, seq, version and writer, in the current format (a
   * format-1 record is rewritten as format 2). A value stored as given is deflated here when {@link
   * StoredValues#deflateForCopy} says so (and sealed again, under the current key, when encryption
   * is on: compression comes before encryption); any other format-2 record comes out byte for byte,
   * unless its value is not encrypted under the current key: then it is decrypted and sealed again
   * under it.
   */
  void copy(Record r, KeyDirEntry from) throws IOException {
    byte[] key = RecordCodec.keyBytes(r.key());
    boolean reencrypt = values.needsReseal(r);
    byte[] value = r.value();
    int codec = r.codec();
    boolean seal = false;
    try {
      byte[] deflated = values.deflateForCopy(r);
      if (deflated != null) {
        value = deflated;
        codec = Deflate.CODEC;
        seal = values.cipher() != null;
      } else if (reencrypt) {
        value = values.open(r);
        seal = true;
      }
    } catch (RecordCodec.CorruptRecordException e) {
      throw new IOException(
          "record of key "
              + r.key()
              + " at byte "
              + from.offset()
              + " of segment "
              + from.segmentId()
              + " cannot be decrypted to be deflated or re-encrypted ("
              + e.getMessage()
              + "); compaction left the segment as it was");
    }
    int keyId = seal ? RecordCodec.NO_KEY : r.keyId();
    int size = RecordCodec.size(key, value, r.expiresAt(), codec, keyId, seal);
    Part part = partFor(size);
    if (buffer.remaining() < size) {
      flush(part);
      if (buffer.capacity() < size) buffer = ByteBuffer.allocate(size);
    }
    long offset = part.size + buffer.position();
    RecordCodec.encode(
        buffer,
        r.kind(),
        r.seq(),
        r.version(),
        r.writer(),
        key,
        value,
        r.expiresAt(),
        codec,
        keyId,
        seal ? values.cipher() : null);
    if (reencrypt) values.resealed();
    part.hints.add(
        new HintFile.Entry(
            r.key(), offset, size, r.seq(), r.version(), r.writer(), r.expiresAt(), r.kind()));
    part.minSeq = Math.min(part.minSeq, r.seq());
    KeyDirEntry to =
        new KeyDirEntry(part.id, offset, size, r.seq(), r.version(), r.writer(), r.expiresAt());
    moves.add(new Move(r.key(), from, to, r.kind()));
  }

  /** Leaves a tombstone, handoff marker or expired value out (Compactor says when). */
  void drop(String key, KeyDirEntry entry, RecordKind kind) {
    drops.add(new Drop(key, entry, kind));
  }

  /** Whether a tombstone or handoff marker was left out. */
  boolean droppedAny() {
    return !drops.isEmpty();
  }

  /** Fsyncs every output with its hint, renames them into place and fsyncs the directory. */
  void publish() throws IOException {
    if (!parts.isEmpty()) flush(parts.get(parts.size() - 1));
    for (Part p : parts) {
      files.sync(p.channel);
      p.channel.close();
      AtomicFiles.writeSynced(files, tmp(FileNames.segmentHint(p.id)), HintFile.encode(p.hints));
    }
    for (Part p : parts) {
      files.rename(tmp(FileNames.segment(p.id)), FileNames.segment(dir, p.id));
      files.rename(tmp(FileNames.segmentHint(p.id)), FileNames.segmentHint(dir, p.id));
    }
    files.syncDirectory(dir);
    for (Part p : parts) {
      Segment s =
          new Segment(
              p.id, FileNames.segment(dir, p.id), files, p.size, SegmentHeader.FORMAT_VERSION);
      s.sawSeq(p.minSeq);
      published.add(s);
    }
  }

  /** The published segments (empty until {@link #publish}). */
  List<Segment> segments() {
    return published;
  }

  /**
   * Points the key directory at the copies, where no newer write got there first, and forgets the
   * records left out, unless {@code keepDropped} (then the inputs must stay on disk: they still
   * hold the records left out).
   */
  void swapInto(KeyDirectory keydir, boolean keepDropped) {
    for (Move m : moves) keydir.relocate(m.key(), m.from(), m.to(), m.kind());
    if (keepDropped) return;
    for (Drop d : drops) keydir.forget(d.key(), d.entry(), d.kind());
  }

  /** Deletes the unpublished files after a failure; the inputs stay as they are. */
  void abandon() {
    for (Part p : parts) {
      try {
        p.channel.close();
        files.delete(tmp(FileNames.segment(p.id)));
        files.delete(tmp(FileNames.segmentHint(p.id)));
      } catch (IOException e) {
        // A leftover *.tmp is deleted by the next open.
      }
    }
  }

  private Part partFor(int size) throws IOException {
    Part last = parts.isEmpty() ? null : parts.get(parts.size() - 1);
    boolean full = last != null && last.size + buffer.position() + size > segmentBytes;
    // Past the reserved ids the last output simply grows: ids above them belong to the writer.
    if (last != null && (!full || parts.size() == ids)) return last;
    if (last != null) flush(last);
    int id = firstId + parts.size();
    Path path = tmp(FileNames.segment(id));
    files.delete(path);
    Part part = new Part(id, files.openAppend(path));
    parts.add(part);
    files.write(part.channel, SegmentHeader.encode());
    return part;
  }

  private void flush(Part part) throws IOException {
    if (buffer.position() == 0) return;
    buffer.flip();
    int n = buffer.remaining();
    files.write(part.channel, buffer);
    buffer.clear();
    part.size += n;
  }

  private Path tmp(String name) {
    return dir.resolve(FileNames.temp(name));
  }
}
