package io.pxkv.node.storage;

import java.nio.file.Path;

/**
 * Every name the engine gives a file in its data directory, and the parser for them. Ids are
 * zero-padded to six digits (wider once past 999999) so that sorting names sorts by id; one id is
 * never used by two segments, whatever their format. Written to disk: never rename without
 * migrating old directories.
 *
 * <pre>
 *   000042.seg       segment 42: a header naming its format (2), then records (see RecordCodec)
 *   000042.hnt       the key directory of compacted segment 42 (HintFile format 2)
 *   000007.data      segment 7 of format 1 (no header), written before format 2; read only
 *   000007.hint      its hint (HintFile format 1)
 *   *.tmp            a file being written; deleted on open, renamed into place when complete
 *   MERGE            ids of compaction inputs whose deletion was under way (see MergeManifest)
 *   LOCK             held with FileChannel.tryLock by the engine that owns the directory
 * </pre>
 *
 * Why new extensions for format 2: the previous version reads every {@code *.data} file as format
 * 1. Given a format-2 segment under that name it would find no valid record from its first byte on:
 * in its newest segment it would cut the whole file away as a torn tail, in an older one refuse to
 * start, or with {@code --recover} drop it. It ignores names it does not know, so {@code *.seg} and
 * {@code *.hnt} are safe from it (docs/STORAGE.md, "Downgrading").
 */
final class FileNames {
  static final String DATA_SUFFIX = ".data";
  static final String HINT_SUFFIX = ".hint";
  static final String SEGMENT_SUFFIX = ".seg";
  static final String SEGMENT_HINT_SUFFIX = ".hnt";
  static final String TMP_SUFFIX = ".tmp";
  static final String LOCK = "LOCK";
  static final String MERGE = "MERGE";

  /** What a file in the data directory is. */
  enum Kind {
    /** A format-1 segment. */
    DATA,
    /** The hint of a format-1 segment. */
    HINT,
    /** A segment with a header (format 2 or later). */
    SEGMENT,
    /** The hint of such a segment. */
    SEGMENT_HINT,
    TEMP,
    LOCK,
    MERGE,
    OTHER
  }

  /** A parsed name: its kind and, for segments and hints, the segment id (else -1). */
  record Parsed(Kind kind, int id) {}

  private FileNames() {}

  static String data(int id) {
    return String.format("%06d%s", id, DATA_SUFFIX);
  }

  static String hint(int id) {
    return String.format("%06d%s", id, HINT_SUFFIX);
  }

  static String segment(int id) {
    return String.format("%06d%s", id, SEGMENT_SUFFIX);
  }

  static String segmentHint(int id) {
    return String.format("%06d%s", id, SEGMENT_HINT_SUFFIX);
  }

  static String temp(String name) {
    return name + TMP_SUFFIX;
  }

  static Path data(Path dir, int id) {
    return dir.resolve(data(id));
  }

  static Path hint(Path dir, int id) {
    return dir.resolve(hint(id));
  }

  static Path segment(Path dir, int id) {
    return dir.resolve(segment(id));
  }

  static Path segmentHint(Path dir, int id) {
    return dir.resolve(segmentHint(id));
  }

  /** The hint file that belongs to a segment of {@code format}. */
  static Path hintOf(Path dir, int id, int format) {
    return format == RecordCodec.FORMAT_1 ? hint(dir, id) : segmentHint(dir, id);
  }

  static Parsed parse(String name) {
    if (name.endsWith(TMP_SUFFIX)) return new Parsed(Kind.TEMP, -1);
    if (name.equals(LOCK)) return new Parsed(Kind.LOCK, -1);
    if (name.equals(MERGE)) return new Parsed(Kind.MERGE, -1);
    if (name.endsWith(DATA_SUFFIX)) return withId(Kind.DATA, name, DATA_SUFFIX);
    if (name.endsWith(HINT_SUFFIX)) return withId(Kind.HINT, name, HINT_SUFFIX);
    if (name.endsWith(SEGMENT_SUFFIX)) return withId(Kind.SEGMENT, name, SEGMENT_SUFFIX);
    if (name.endsWith(SEGMENT_HINT_SUFFIX)) {
      return withId(Kind.SEGMENT_HINT, name, SEGMENT_HINT_SUFFIX);
    }
    return new Parsed(Kind.OTHER, -1);
  }

  private static Parsed withId(Kind kind, String name, String suffix) {
    String digits = name.substring(0, name.length() - suffix.length());
    if (digits.length() < 6 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return new Parsed(Kind.OTHER, -1);
    }
    try {
      int id = Integer.parseInt(digits);
      return id > 0 ? new Parsed(kind, id) : new Parsed(Kind.OTHER, -1);
    } catch (NumberFormatException e) {
      return new Parsed(Kind.OTHER, -1);
    }
  }
}
