package io.pxkv.node.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A damaged file found at startup where a crash cannot explain it. The engine refuses to start
 * rather than serve a store that silently lost records; starting with {@code recover=true} drops
 * the damaged records instead and reports them.
 */
public final class StorageCorruptionException extends IOException {
  private final transient Path file;
  private final long offset;

  StorageCorruptionException(Path file, long offset, String problem) {
    super(
        "corrupt data in "
            + file.toAbsolutePath()
            + " at byte offset "
            + offset
            + ": "
            + problem
            + "; refusing to start (start the node with --recover to drop the damaged records and report them)");
    this.file = file;
    this.offset = offset;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }
}
