package io.pxkv.node.storage;

import java.nio.file.Path;

/**
 * Every name the engine gives a file in its data directory, and the parser for them. Ids are
 * zero-padded to six digits (wider once past 999999) so that sorting names sorts by id. Written to
 * disk: never rename without migrating old directories.
 *
 * <pre>
 *   000042.data      segment 42: records (see RecordCodec)
 *   000042.hint      the key directory of compacted segment 42 (see HintFile)
 *   *.tmp            a file being written; deleted on open, renamed into place when complete
 *   MERGE            ids of compaction inputs whose deletion was under way (see MergeManifest)
 *   LOCK             held with FileChannel.tryLock by the engine that owns the directory
 * </pre>
 */
final class FileNames {
  static final String DATA_SUFFIX = ".data";
  static final String HINT_SUFFIX = ".hint";
  static final String TMP_SUFFIX = ".tmp";
  static final String LOCK = "LOCK";
  static final String MERGE = "MERGE";

  /** What a file in the data directory is. */
  enum Kind {
    DATA,
    HINT,
    TEMP,
    LOCK,
    MERGE,
    OTHER
  }

  /** A parsed name: its kind and, for data and hint files, the segment id (else -1). */
  record Parsed(Kind kind, int id) {}

  private FileNames() {}

  static String data(int id) {
    return String.format("%06d%s", id, DATA_SUFFIX);
  }

  static String hint(int id) {
    return String.format("%06d%s", id, HINT_SUFFIX);
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

  static Parsed parse(String name) {
    if (name.endsWith(TMP_SUFFIX)) return new Parsed(Kind.TEMP, -1);
    if (name.equals(LOCK)) return new Parsed(Kind.LOCK, -1);
    if (name.equals(MERGE)) return new Parsed(Kind.MERGE, -1);
    if (name.endsWith(DATA_SUFFIX)) return withId(Kind.DATA, name, DATA_SUFFIX);
    if (name.endsWith(HINT_SUFFIX)) return withId(Kind.HINT, name, HINT_SUFFIX);
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
