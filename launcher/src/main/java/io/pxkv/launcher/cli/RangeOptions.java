package io.pxkv.launcher.cli;

import picocli.CommandLine.Option;

/** A key range for ls and match: {@code start <= key < end} in UTF-8 byte order. */
final class RangeOptions {
  @Option(names = "--start", paramLabel = "KEY", description = "Only keys >= KEY.")
  String start;

  @Option(names = "--end", paramLabel = "KEY", description = "Only keys < KEY.")
  String end;

  /** {@code &start=..&end=..} for the ones given. */
  String query() {
    StringBuilder q = new StringBuilder();
    if (start != null) q.append("&start=").append(UrlParts.query(start));
    if (end != null) q.append("&end=").append(UrlParts.query(end));
    return q.toString();
  }
}
