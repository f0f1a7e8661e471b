package io.pxkv.node.storage;

import java.util.List;

/**
 * What opening a disk engine found and did, for the startup log and stats. Nothing is ever dropped
 * without showing up here.
 *
 * @param segments segment files loaded
 * @param hintsUsed segments loaded from their hint file instead of a scan
 * @param hintsRejected hint files found bad and ignored (their segment was scanned instead)
 * @param tornRecords partial records cut off the tail of the newest segment (a crash mid-append)
 * @param tornBytes bytes cut with them
 * @param droppedRecords damaged regions skipped with {@code recover=true} (each is at least one
 *     record)
 * @param droppedBytes bytes skipped with them
 * @param events one human-readable line per thing done (file, offset, bytes, why)
 */
public record RecoveryReport(
    int segments,
    int hintsUsed,
    int hintsRejected,
    int tornRecords,
    long tornBytes,
    int droppedRecords,
    long droppedBytes,
    List<String> events) {

  /** The report of an engine that had nothing to recover (the in-memory engine). */
  public static final RecoveryReport EMPTY = new RecoveryReport(0, 0, 0, 0, 0, 0, 0, List.of());

  public RecoveryReport {
    events = List.copyOf(events);
  }

  /** True when no record was cut or dropped. */
  public boolean isClean() {
    return tornRecords == 0 && droppedRecords == 0;
  }

  /** One line for the log. */
  public String summary() {
    return String.format(
        "%d segments (%d from hints, %d bad hints), %d torn records cut (%d bytes),"
            + " %d damaged records dropped (%d bytes)",
        segments, hintsUsed, hintsRejected, tornRecords, tornBytes, droppedRecords, droppedBytes);
  }
}
