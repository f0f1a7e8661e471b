package io.pxkv.node.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The fsyncs of INTERVAL mode, on their own thread {@code kv-sync}, so that writes never queue
 * behind one: a slow fsync delays durability, not the answers. Requests that pile up while one runs
 * are served by a single fsync.
 *
 * <p>{@link #awaitIdle} lets the writer wait until every fsync it asked for is done, before it
 * closes the file (a roll-over, a stop). A failed fsync is reported once to {@code onFailure}; the
 * writer then stops taking writes.
 */
final class BackgroundSync implements Runnable {
  private static final Object STOP = new Object();

  private final StorageFiles files;
  private final Consumer<IOException> onFailure;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Object idle = new Object();
  private long requested; // guarded by idle
  private long done; // guarded by idle
  private boolean failed; // confined to kv-sync

  BackgroundSync(StorageFiles files, Consumer<IOException> onFailure) {
    this.files = files;
    this.onFailure = onFailure;
  }

  /** Starts the thread. */
  void start() {
    Thread thread = new Thread(this, "kv-sync");
    thread.setDaemon(true);
    thread.start();
  }

  /** Asks for an fsync of {@code channel}, without waiting for it. Called by the writer only. */
  void request(FileChannel channel) {
    synchronized (idle) {
      requested++;
    }
    queue.add(channel);
  }

  /** Blocks until every fsync asked for so far is done. Called by the writer only. */
  void awaitIdle() {
    synchronized (idle) {
      boolean interrupted = false;
      while (done < requested) {
        try {
          idle.wait();
        } catch (InterruptedException e) {
          interrupted = true; // the writer must not close a file with an fsync in flight
        }
      }
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /** Ends the thread once the fsyncs asked for so far are done. */
  void stop() {
    queue.add(STOP);
  }

  @Override
  public void run() {
    List<Object> requests = new ArrayList<>();
    while (true) {
      try {
        requests.add(queue.take());
      } catch (InterruptedException e) {
        continue; // only stop() ends the thread
      }
      queue.drainTo(requests);
      boolean stop = requests.remove(STOP);
      FileChannel synced = null;
      for (Object r : requests) {
        // Usually one file; the writer waits for us before it rolls over to the next.
        if (r != synced && !failed) {
          sync((FileChannel) r);
          synced = (FileChannel) r;
        }
      }
      synchronized (idle) {
        done += requests.size();
        idle.notifyAll();
      }
      requests.clear();
      if (stop) return;
    }
  }

  private void sync(FileChannel channel) {
    try {
      files.sync(channel);
    } catch (IOException | RuntimeException e) {
      failed = true;
      onFailure.accept(e instanceof IOException io ? io : new IOException(e));
    }
  }
}
