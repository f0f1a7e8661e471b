package io.pxkv.node.storage;

import io.pxkv.node.storage.FileNames.Kind;
import io.pxkv.node.storage.FileNames.Parsed;
import io.pxkv.node.storage.SegmentScanner.Step;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rebuilds the key directory from a data directory at startup, applying the recovery rules of
 * docs/STORAGE.md, in this order:
 *
 * <ol>
 *   <li>{@code *.tmp} files are unfinished writes: deleted.
 *   <li>A {@code MERGE} file means a compaction was deleting its inputs: the deletion is finished.
 *   <li>Each segment is loaded from its hint if the hint passes its checks, else scanned. For every
 *       key the record with the highest version wins (a tombstone removes the key).
 *   <li>A bad record at the tail of the newest segment with no valid record after it is a torn
 *       append: the file is cut there and the cut reported. A bad record anywhere else is
 *       corruption: startup fails naming the file and offset, unless {@code recover} is set, in
 *       which case the scan resyncs at the next valid record and the gap is reported.
 * </ol>
 *
 * Runs once, on the thread that opens the engine, before any other engine thread exists.
 */
final class Recovery {
  private final Path dir;
  private final StorageFiles files;
  private final boolean recover;
  private final KeyDirectory keydir;
  private final HybridClock clock;
  private final List<String> events = new ArrayList<>();
  private int hintsUsed;
  private int hintsRejected;
  private int tornRecords;
  private long tornBytes;
  private int droppedRecords;
  private long droppedBytes;
  private int maxId;

  /** The outcome: the report, the newest segment (null if none) and the largest id in use. */
  record Result(RecoveryReport report, Segment newest, int maxId) {}

  Recovery(Path dir, StorageFiles files, boolean recover, KeyDirectory keydir, HybridClock clock) {
    this.dir = dir;
    this.files = files;
    this.recover = recover;
    this.keydir = keydir;
    this.clock = clock;
  }

  Result run() throws IOException {
    finishMerge();
    TreeMap<Integer, Path> data = new TreeMap<>();
    TreeSet<Integer> hints = new TreeSet<>();
    for (Path file : files.list(dir)) {
      Parsed p = FileNames.parse(file.getFileName().toString());
      if (p.kind() == Kind.TEMP) {
        files.delete(file);
        events.add(file.getFileName() + ": unfinished file deleted");
      } else if (p.kind() == Kind.DATA) {
        data.put(p.id(), file);
      } else if (p.kind() == Kind.HINT) {
        hints.add(p.id());
      }
      if (p.id() > maxId) maxId = p.id();
    }
    for (int id : hints) {
      if (!data.containsKey(id)) files.delete(FileNames.hint(dir, id));
    }
    Segment newest = null;
    keydir.recovering(expectedKeys(data, hints));
    for (var e : data.entrySet()) {
      boolean isNewest = e.getKey().equals(data.lastKey());
      Segment segment = new Segment(e.getKey(), e.getValue(), files, files.size(e.getValue()));
      keydir.addSegment(segment);
      if (!hints.contains(segment.id()) || !loadHint(segment)) load(segment, isNewest);
      newest = segment;
    }
    keydir.recovered();
    RecoveryReport report =
        new RecoveryReport(
            data.size(),
            hintsUsed,
            hintsRejected,
            tornRecords,
            tornBytes,
            droppedRecords,
            droppedBytes,
            events);
    return new Result(report, newest, maxId);
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
    }
    files.syncDirectory(dir);
    files.delete(merge);
    files.syncDirectory(dir);
    events.add(FileNames.MERGE + ": finished deleting compacted segments " + ids);
  }

  /**
   * A guess at the number of keys, a little high, so the key directory's hash map is sized once
   * instead of doubling its way to a million keys (a tenth of a restart went into that). Hints are
   * dense (about 35 bytes per key); records with values are guessed large, so that a folder of big
   * values does not reserve a table it never fills.
   */
  private long expectedKeys(TreeMap<Integer, Path> data, TreeSet<Integer> hints)
      throws IOException {
    long keys = 0;
    for (var e : data.entrySet()) {
      keys +=
          hints.contains(e.getKey())
              ? files.size(FileNames.hint(dir, e.getKey())) / 32
              : files.size(e.getValue()) / 256;
    }
    return keys;
  }

  private boolean loadHint(Segment segment) {
    Path hint = FileNames.hint(dir, segment.id());
    HintFile.Contents contents;
    try {
      contents = HintFile.read(files, hint, segment.size());
    } catch (IOException e) {
      hintsRejected++;
      events.add(
          hint.getFileName() + ": ignored, segment scanned instead (" + e.getMessage() + ")");
      return false;
    }
    int id = segment.id();
    contents.forEach(
        (key, offset, size, version, tombstone) ->
            apply(segment, key, new KeyDirEntry(id, offset, size, version), tombstone));
    hintsUsed++;
    return true;
  }

  private void load(Segment segment, boolean isNewest) throws IOException {
    long size = segment.size();
    Path file = segment.path();
    try (FileChannel channel = files.openRead(file)) {
      SegmentScanner scanner = new SegmentScanner(channel, size);
      long pos = 0;
      while (pos < size) {
        Step step = scanner.read(pos);
        if (step.problem() == null) {
          var r = step.record();
          apply(
              segment,
              r.key(),
              new KeyDirEntry(segment.id(), pos, step.size(), r.version()),
              r.tombstone());
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

  private void apply(Segment segment, String key, KeyDirEntry entry, boolean tombstone) {
    segment.sawVersion(entry.version());
    clock.observe(entry.version());
    keydir.recover(key, entry, tombstone);
  }
}
