package io.pxkv.node.storage;

import io.pxkv.node.storage.FileNames.Kind;
import io.pxkv.node.storage.FileNames.Parsed;
import io.pxkv.node.storage.SegmentScanner.Step;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rebuilds the key directory from a data directory at startup, applying the recovery rules of
 * docs/STORAGE.md, in this order:
 *
 * <ol>
 *   <li>{@code *.tmp} files are unfinished writes: deleted.
 *   <li>A {@code MERGE} file means a compaction was deleting its inputs: the deletion is finished.
 *   <li>Segments are {@code *.data} (format 1) and {@code *.seg} (a header names the format). A
 *       {@code *.seg} of a newer format refuses the start ({@link NewerFormatException}), as does
 *       an id used by both names (an older version ran on the directory after this one).
 *   <li>Each segment is loaded from its hint if the hint passes its checks, else scanned. For every
 *       key the record with the highest seq wins: PUT makes it live, DELETE deleted (the tombstone
 *       held), HANDOFF absent. A whole record a newer version wrote refuses the start.
 *   <li>A bad record at the tail of the newest segment with no valid record after it is a torn
 *       append: the file is cut there and the cut reported (a header cut short by a crash while the
 *       newest segment was created is written again). A bad record anywhere else is corruption:
 *       startup fails naming the file and offset, unless {@code recover} is set, in which case the
 *       scan resyncs at the next valid record and the gap is reported.
 * </ol>
 *
 * The seq of the next record is above every seq found, and every format-1 version (format-1 records
 * count their version as their seq); the clock is above every version found. Runs once, on the
 * thread that opens the engine, before any other engine thread exists.
 */
final class Recovery {
  private final Path dir;
  private final StorageFiles files;
  private final boolean recover;
  private final KeyDirectory keydir;
  private final HybridClock clock;
  private final ValueCoding coding;
  private final List<String> events = new ArrayList<>();
  private final Set<Integer> keyIds = new TreeSet<>();
  private int hintsUsed;
  private int hintsRejected;
  private int tornRecords;
  private long tornBytes;
  private int droppedRecords;
  private long droppedBytes;
  private int maxId;
  private long maxSeq;

  /**
   * The outcome: the report, the newest segment (null if none), the largest id in use and the
   * largest seq found (0 if none).
   */
  /** {@code keyIds}: the encryption key ids of the records scanned (not of hinted segments). */
  record Result(
      RecoveryReport report, Segment newest, int maxId, long maxSeq, Set<Integer> keyIds) {}

  Recovery(Path dir, StorageFiles files, boolean recover, KeyDirectory keydir, HybridClock clock) {
    this(dir, files, recover, keydir, clock, ValueCoding.PLAIN);
  }

  /**
   * {@code coding} says which values a scanned segment holds as given that compaction should
   * deflate ({@link Segment#rawBytes}); a hinted segment is a compaction's output, which holds
   * none.
   */
  Recovery(
      Path dir,
      StorageFiles files,
      boolean recover,
      KeyDirectory keydir,
      HybridClock clock,
      ValueCoding coding) {
    this.coding = coding;
    this.dir = dir;
    this.files = files;
    this.recover = recover;
    this.keydir = keydir;
    this.clock = clock;
  }

  Result run() throws IOException {
    finishMerge();
    TreeMap<Integer, Path> data = new TreeMap<>();
    TreeMap<Integer, Path> segs = new TreeMap<>();
    TreeSet<Integer> hints = new TreeSet<>();
    TreeSet<Integer> segHints = new TreeSet<>();
    for (Path file : files.list(dir)) {
      Parsed p = FileNames.parse(file.getFileName().toString());
      switch (p.kind()) {
        case TEMP -> {
          files.delete(file);
          events.add(file.getFileName() + ": unfinished file deleted");
        }
        case DATA -> data.put(p.id(), file);
        case SEGMENT -> segs.put(p.id(), file);
        case HINT -> hints.add(p.id());
        case SEGMENT_HINT -> segHints.add(p.id());
        default -> {}
      }
      if (p.id() > maxId) maxId = p.id();
    }
    for (int id : data.keySet()) {
      if (segs.containsKey(id)) {
        throw new IOException(
            "segment id "
                + id
                + " is used by both "
                + data.get(id).toAbsolutePath()
                + " and "
                + segs.get(id).toAbsolutePath()
                + ": an older version of px-kvstore wrote to this directory after this one did"
                + " (see docs/STORAGE.md, \"Downgrading\"); refusing to start");
      }
    }
    deleteOrphans(hints, data, Kind.HINT);
    deleteOrphans(segHints, segs, Kind.SEGMENT_HINT);
    TreeMap<Integer, Segment> all = new TreeMap<>();
    for (var e : data.entrySet()) {
      all.put(
          e.getKey(), new Segment(e.getKey(), e.getValue(), files, files.size(e.getValue()), 1));
    }
    int newestId =
        Math.max(data.isEmpty() ? 0 : data.lastKey(), segs.isEmpty() ? 0 : segs.lastKey());
    for (var e : segs.entrySet()) {
      Segment s = openSegment(e.getKey(), e.getValue(), e.getKey() == newestId);
      if (s != null) all.put(e.getKey(), s);
    }
    Segment newest = null;
    keydir.recovering(expectedKeys(all.values(), hints, segHints));
    for (Segment segment : all.values()) {
      boolean isNewest = segment.id() == newestId;
      keydir.addSegment(segment);
      boolean hinted =
          segment.format() == RecordCodec.FORMAT_1
              ? hints.contains(segment.id())
              : segHints.contains(segment.id());
      if (!hinted || !loadHint(segment)) load(segment, isNewest);
      newest = segment;
    }
    keydir.recovered();
    RecoveryReport report =
        new RecoveryReport(
            all.size(),
            hintsUsed,
            hintsRejected,
            tornRecords,
            tornBytes,
            droppedRecords,
            droppedBytes,
            events);
    return new Result(report, newest, maxId, maxSeq, keyIds);
  }

  private void deleteOrphans(TreeSet<Integer> hintIds, Map<Integer, Path> segments, Kind kind)
      throws IOException {
    for (int id : hintIds) {
      if (!segments.containsKey(id)) {
        files.delete(kind == Kind.HINT ? FileNames.hint(dir, id) : FileNames.segmentHint(dir, id));
      }
    }
  }

  /**
   * The segment of a {@code *.seg} file after checking its header; null when {@code recover} drops
   * a segment whose header is damaged.
   */
  private Segment openSegment(int id, Path path, boolean isNewest) throws IOException {
    long size = files.size(path);
    SegmentHeader.Parsed header = SegmentHeader.read(files, path, size);
    if (header instanceof SegmentHeader.Format f) {
      if (f.format() > SegmentHeader.FORMAT_VERSION) {
        throw new NewerFormatException(path, 0, "segment format " + f.format());
      }
      if (f.format() == RecordCodec.FORMAT_2) return new Segment(id, path, files, size, 2);
    }
    if (header instanceof SegmentHeader.Short s && isNewest) {
      // A crash while the newest segment was being created: nothing was written to it yet.
      files.truncate(path, 0);
      Segment fresh = SegmentHeader.create(files, dir, id, path);
      tornRecords++;
      tornBytes += s.size();
      events.add(
          String.format(
              "%s: header cut short (%d bytes) by a crash while the segment was created; written"
                  + " again",
              path.getFileName(), s.size()));
      return fresh;
    }
    String problem =
        header instanceof SegmentHeader.Short s
            ? "segment header cut short (" + s.size() + " bytes)"
            : header instanceof SegmentHeader.Format f
                ? "segment header names format " + f.format()
                : "not a segment header";
    if (!recover) throw new StorageCorruptionException(path, 0, problem);
    droppedRecords++;
    droppedBytes += size;
    events.add(String.format("%s: dropped all %d bytes (%s)", path.getFileName(), size, problem));
    return null;
  }

  private void finishMerge() throws IOException {
    Path merge = dir.resolve(FileNames.MERGE);
    if (!files.list(dir).contains(merge)) return;
    List<Integer> ids;
    try {
      ids = MergeManifest.read(files, merge);
    } catch (IOException e) {
      if (!recover) throw new StorageCorruptionException(merge, 0, e.getMessage());
      events.add(FileNames.MERGE + ": unreadable, ignored (" + e.getMessage() + ")");
      ids = List.of();
    }
    for (int id : ids) {
      files.delete(FileNames.hint(dir, id));
      files.delete(FileNames.data(dir, id));
      files.delete(FileNames.segmentHint(dir, id));
      files.delete(FileNames.segment(dir, id));
    }
    files.syncDirectory(dir);
    files.delete(merge);
    files.syncDirectory(dir);
    events.add(FileNames.MERGE + ": finished deleting compacted segments " + ids);
  }

  /**
   * A guess at the number of keys, a little high, so the key directory's hash map is sized once
   * instead of doubling its way to a million keys (a tenth of a restart went into that). Hints are
   * dense (about 35 bytes per key in format 1, 45 in format 2); records with values are guessed
   * large, so that a folder of big values does not reserve a table it never fills.
   */
  private long expectedKeys(
      Iterable<Segment> segments, TreeSet<Integer> hints, TreeSet<Integer> segHints)
      throws IOException {
    long keys = 0;
    for (Segment s : segments) {
      boolean format1 = s.format() == RecordCodec.FORMAT_1;
      if (format1 && hints.contains(s.id())) {
        keys += files.size(FileNames.hint(dir, s.id())) / 32;
      } else if (!format1 && segHints.contains(s.id())) {
        keys += files.size(FileNames.segmentHint(dir, s.id())) / 50;
      } else {
        keys += s.size() / 256;
      }
    }
    return keys;
  }

  private boolean loadHint(Segment segment) {
    Path hint = FileNames.hintOf(dir, segment.id(), segment.format());
    HintFile.Contents contents;
    try {
      contents = HintFile.read(files, hint, segment);
    } catch (IOException e) {
      hintsRejected++;
      events.add(
          hint.getFileName() + ": ignored, segment scanned instead (" + e.getMessage() + ")");
      return false;
    }
    int id = segment.id();
    contents.forEach(
        (key, offset, size, seq, version, writer, expiresAt, kind) ->
            apply(
                segment,
                key,
                new KeyDirEntry(id, offset, size, seq, version, writer, expiresAt),
                kind));
    hintsUsed++;
    return true;
  }

  private void load(Segment segment, boolean isNewest) throws IOException {
    long size = segment.size();
    Path file = segment.path();
    try (FileChannel channel = files.openRead(file)) {
      SegmentScanner scanner = new SegmentScanner(channel, segment, size);
      long pos = segment.dataStart();
      while (pos < size) {
        Step step = scanner.read(pos);
        if (step.problem() == null) {
          var r = step.record();
          if (r.sealed()) keyIds.add(r.keyId());
          if (r.value() != null && r.codec() == RecordCodec.CODEC_NONE) {
            int plain = r.value().length - (r.sealed() ? RecordCipher.OVERHEAD : 0);
            if (coding.deflates(plain)) segment.addRaw(plain);
          }
          apply(
              segment,
              r.key(),
              new KeyDirEntry(
                  segment.id(), pos, step.size(), r.seq(), r.version(), r.writer(), r.expiresAt()),
              r.kind());
          pos += step.size();
          continue;
        }
        long next = scanner.resync(pos + 1);
        if (next < 0 && isNewest) {
          cutTornTail(segment, pos, step.problem());
          return;
        }
        if (!recover) throw new StorageCorruptionException(file, pos, step.problem());
        long end = next < 0 ? size : next;
        droppedRecords++;
        droppedBytes += end - pos;
        events.add(
            String.format(
                "%s: dropped %d damaged bytes at byte offset %d (%s)",
                file.getFileName(), end - pos, pos, step.problem()));
        pos = end;
      }
    }
  }

  private void cutTornTail(Segment segment, long pos, String problem) throws IOException {
    long cut = segment.size() - pos;
    files.truncate(segment.path(), pos);
    segment.grow(-cut);
    tornRecords++;
    tornBytes += cut;
    events.add(
        String.format(
            "%s: cut torn record at byte offset %d (%d bytes: %s)",
            segment.path().getFileName(), pos, cut, problem));
  }

  private void apply(Segment segment, String key, KeyDirEntry entry, RecordKind kind) {
    segment.sawSeq(entry.seq());
    if (entry.seq() > maxSeq) maxSeq = entry.seq();
    clock.observe(entry.version());
    keydir.recover(key, entry, kind);
  }
}
