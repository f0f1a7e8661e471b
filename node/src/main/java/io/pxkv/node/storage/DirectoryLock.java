package io.pxkv.node.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code LOCK} file of a data directory, held with {@link FileChannel#tryLock} for as long as
 * an engine has the directory open, so that a second engine (in this or another process) fails fast
 * instead of interleaving appends with the first. The OS drops the lock when the process dies, so a
 * crash never leaves a stale lock behind.
 */
final class DirectoryLock implements Closeable {
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock or fails with a message naming the directory. */
  static DirectoryLock acquire(Path dir) throws IOException {
    Path file = dir.resolve(FileNames.LOCK);
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by another engine in this JVM
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new IOException(
          "data directory "
              + dir.toAbsolutePath()
              + " is in use by another storage engine (its LOCK file is held)");
    }
    return new DirectoryLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
