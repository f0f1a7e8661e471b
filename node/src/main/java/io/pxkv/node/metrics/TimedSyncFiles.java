package io.pxkv.node.metrics;

import io.micrometer.core.instrument.Timer;
import io.pxkv.node.storage.StorageFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The engine's file system with its fsyncs timed: {@code sync} (a segment's data, on the writer's
 * or the syncer's thread, once per group commit) and {@code syncDirectory} (a directory's entries,
 * after files are created, renamed or deleted). Everything else goes straight through.
 */
final class TimedSyncFiles implements StorageFiles {
  private final StorageFiles inner;
  private final Timer dataSyncs;
  private final Timer directorySyncs;

  TimedSyncFiles(StorageFiles inner, Timer dataSyncs, Timer directorySyncs) {
    this.inner = inner;
    this.dataSyncs = dataSyncs;
    this.directorySyncs = directorySyncs;
  }

  @Override
  public void sync(FileChannel channel) throws IOException {
    long started = System.nanoTime();
    try {
      inner.sync(channel);
    } finally {
      dataSyncs.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    long started = System.nanoTime();
    try {
      inner.syncDirectory(dir);
    } finally {
      directorySyncs.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public FileChannel openAppend(Path file) throws IOException {
    return inner.openAppend(file);
  }

  @Override
  public FileChannel openRead(Path file) throws IOException {
    return inner.openRead(file);
  }

  @Override
  public void write(FileChannel channel, ByteBuffer buf) throws IOException {
    inner.write(channel, buf);
  }

  @Override
  public void truncate(Path file, long size) throws IOException {
    inner.truncate(file, size);
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    inner.rename(from, to);
  }

  @Override
  public void delete(Path file) throws IOException {
    inner.delete(file);
  }

  @Override
  public List<Path> list(Path dir) throws IOException {
    return inner.list(dir);
  }

  @Override
  public long size(Path file) throws IOException {
    return inner.size(file);
  }
}
