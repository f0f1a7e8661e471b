package io.pxkv.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file operation the disk engine does, behind one small interface so that tests can make
 * chosen operations fail (see FaultyStorageFiles in the tests) and count fsyncs. Implementations
 * must be thread-safe.
 */
public interface StorageFiles {

  /** The real file system. */
  StorageFiles DISK = new DiskStorageFiles();

  /** Opens {@code file} for appending, creating it if absent; the position is at its end. */
  FileChannel openAppend(Path file) throws IOException;

  /** Opens {@code file} for positional reads. */
  FileChannel openRead(Path file) throws IOException;

  /** Writes all of {@code buf} at the channel's position. */
  void write(FileChannel channel, ByteBuffer buf) throws IOException;

  /** Cuts {@code file} to {@code size} bytes and fsyncs it. */
  void truncate(Path file, long size) throws IOException;

  /** Atomically renames {@code from} to {@code to}, replacing {@code to}. */
  void rename(Path from, Path to) throws IOException;

  /** Deletes {@code file} if it exists. */
  void delete(Path file) throws IOException;

  /** The regular files in {@code dir}, in name order. */
  List<Path> list(Path dir) throws IOException;

  long size(Path file) throws IOException;

  /** Flushes a file's data to stable storage (fdatasync). */
  void sync(FileChannel channel) throws IOException;

  /** Makes a directory's entries (created, renamed, deleted files) durable. */
  void syncDirectory(Path dir) throws IOException;
}
