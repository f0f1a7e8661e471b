package io.pxkv.node.storage;

/**
 * Where the current record of one key lives (segment, byte offset, size) and what the key directory
 * needs of it without a disk read: its seq (which record wins at restart) and the version and
 * writer of its write, and when it expires ({@code expiresAt}, ms since the epoch, 0 = never).
 * Immutable; equality is by value, which compaction relies on to swap an entry only if it is still
 * the one it copied.
 */
record KeyDirEntry(
    int segmentId, long offset, int size, long seq, long version, int writer, long expiresAt) {}
