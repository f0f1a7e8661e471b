package io.pxkv.node.storage;

import java.util.Locale;

/** How values are compressed on disk ({@code --compression}). */
public enum Compression {
  /** Values are stored as given. */
  NONE,
  /**
   * Values are written as given; compaction deflates (zlib) those of at least the minimum size,
   * kept only when smaller.
   */
  DEFLATE;

  /** The flag value ({@code none}, {@code deflate}). */
  public String flagName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
