package io.pxkv.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Real files, except that the next write, fsync or rename can be told to fail with an IOException,
 * as a full or failing disk would. Counts writes and fsyncs so tests can check group commit.
 * Thread-safe.
 */
public final class FaultyStorageFiles implements StorageFiles {
  private final StorageFiles disk = StorageFiles.DISK;
  private final AtomicBoolean failNextWrite = new AtomicBoolean();
  private final AtomicBoolean failNextSync = new AtomicBoolean();
  private final AtomicBoolean failNextRename = new AtomicBoolean();
  private final AtomicReference<Runnable> beforeNextRename = new AtomicReference<>();
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicInteger syncs = new AtomicInteger();
  private volatile CountDownLatch syncGate = new CountDownLatch(0);

  public void failNextWrite() {
    failNextWrite.set(true);
  }

  public void failNextSync() {
    failNextSync.set(true);
  }

  /** Makes every fsync from now on wait until {@link #releaseSyncs} (a disk that stalls). */
  void holdSyncs() {
    syncGate = new CountDownLatch(1);
  }

  void releaseSyncs() {
    syncGate.countDown();
  }

  public void failNextRename() {
    failNextRename.set(true);
  }

  /** Runs {@code action} on the renaming thread just before the next rename. */
  void beforeNextRename(Runnable action) {
    beforeNextRename.set(action);
  }

  public int writes() {
    return writes.get();
  }

  int syncs() {
    return syncs.get();
  }

  @Override
  public FileChannel openAppend(Path file) throws IOException {
    return disk.openAppend(file);
  }

  @Override
  public FileChannel openRead(Path file) throws IOException {
    return disk.openRead(file);
  }

  @Override
  public void write(FileChannel channel, ByteBuffer buf) throws IOException {
    writes.incrementAndGet();
    if (failNextWrite.getAndSet(false)) {
      // A short write, then the error: the half-written tail is what a full disk leaves behind.
      ByteBuffer half = buf.duplicate();
      half.limit(half.position() + half.remaining() / 2);
      disk.write(channel, half);
      throw new IOException("injected write failure (No space left on device)");
    }
    disk.write(channel, buf);
  }

  @Override
  public void truncate(Path file, long size) throws IOException {
    disk.truncate(file, size);
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    Runnable before = beforeNextRename.getAndSet(null);
    if (before != null) before.run();
    if (failNextRename.getAndSet(false)) throw new IOException("injected rename failure");
    disk.rename(from, to);
  }

  @Override
  public void delete(Path file) throws IOException {
    disk.delete(file);
  }

  @Override
  public List<Path> list(Path dir) throws IOException {
    return disk.list(dir);
  }

  @Override
  public long size(Path file) throws IOException {
    return disk.size(file);
  }

  @Override
  public void sync(FileChannel channel) throws IOException {
    syncs.incrementAndGet();
    try {
      syncGate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the fsync was held", e);
    }
    if (failNextSync.getAndSet(false)) throw new IOException("injected fsync failure (EIO)");
    disk.sync(channel);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    disk.syncDirectory(dir);
  }
}
