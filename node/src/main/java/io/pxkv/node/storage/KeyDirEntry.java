package io.pxkv.node.storage;

/**
 * Where the newest record of one key lives: segment, byte offset and size of the record, and its
 * version. Immutable; equality is by value, which compaction relies on to swap an entry only if it
 * is still the one it copied.
 */
record KeyDirEntry(int segmentId, long offset, int size, long version) {}
