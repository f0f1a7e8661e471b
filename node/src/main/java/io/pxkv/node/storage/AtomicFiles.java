package io.pxkv.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Publishes a small file whole or not at all: write {@code name.tmp}, fsync it, rename it over
 * {@code name}, fsync the directory (leveldb's {@code SetCurrentFile}). A crash leaves either the
 * old state or the new file, plus at worst a {@code .tmp} that the next open deletes.
 */
final class AtomicFiles {
  private AtomicFiles() {}

  static void publish(StorageFiles files, Path dir, String name, ByteBuffer content)
      throws IOException {
    Path tmp = dir.resolve(FileNames.temp(name));
    writeSynced(files, tmp, content);
    files.rename(tmp, dir.resolve(name));
    files.syncDirectory(dir);
  }

  /** Writes {@code content} to a fresh {@code file} and fsyncs it; no rename. */
  static void writeSynced(StorageFiles files, Path file, ByteBuffer content) throws IOException {
    files.delete(file);
    try (FileChannel channel = files.openAppend(file)) {
      files.write(channel, content);
      files.sync(channel);
    }
  }

  /** Reads a whole small file. */
  static ByteBuffer readAll(StorageFiles files, Path file) throws IOException {
    long size = files.size(file);
    if (size > Integer.MAX_VALUE) throw new IOException(file + " is too large to read whole");
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    try (FileChannel channel = files.openRead(file)) {
      while (buf.hasRemaining()) {
        if (channel.read(buf, buf.position()) < 0) break;
      }
    }
    return buf.flip();
  }
}
