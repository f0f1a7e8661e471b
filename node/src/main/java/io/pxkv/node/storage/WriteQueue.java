package io.pxkv.node.storage;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The hand-off between the threads that submit writes and the single thread that takes them ({@code
 * kv-write}). Lock-free, so a caller never contends with the writer draining it: the writer parks
 * when it finds the queue empty and says so in {@link #parked}; a caller unparks it only then. Once
 * closed (a stop queued) it takes nothing more.
 */
final class WriteQueue {
  private final ConcurrentLinkedQueue<WriteOp> queue = new ConcurrentLinkedQueue<>();
  private final Object submitLock = new Object();
  private volatile Thread taker;
  private volatile boolean parked;
  private boolean closed; // guarded by submitLock

  /** Called by the taking thread before it takes anything. */
  void bindTaker() {
    taker = Thread.currentThread();
  }

  /** Queues {@code ops} in order and wakes the taker once for all; false if closed. */
  boolean offerAll(List<? extends WriteOp> ops) {
    synchronized (submitLock) {
      if (closed) return false;
      queue.addAll(ops);
      wakeTaker();
      return true;
    }
  }

  /** Queues {@code stop} as the last op; false if already closed. */
  boolean close(WriteOp.Stop stop) {
    synchronized (submitLock) {
      if (closed) return false;
      closed = true;
      queue.add(stop);
      wakeTaker();
      return true;
    }
  }

  boolean isClosed() {
    synchronized (submitLock) {
      return closed;
    }
  }

  private void wakeTaker() {
    // Pairs with await(): the taker sets parked before its last look at the queue, and the op was
    // queued before this read, so either the taker sees the op or this sees parked.
    if (parked) LockSupport.unpark(taker);
  }

  /** The next op, or null if none is queued. */
  WriteOp poll() {
    return queue.poll();
  }

  /**
   * The next op, parking until one comes or {@code timeoutNanos} passed ({@code 0}: no timeout);
   * null on a timeout or a spurious wake-up (the caller just asks again).
   */
  WriteOp await(long timeoutNanos) {
    parked = true;
    try {
      WriteOp op = queue.poll(); // the last look, after saying we park: see wakeTaker
      if (op != null) return op;
      if (timeoutNanos > 0) {
        LockSupport.parkNanos(this, timeoutNanos);
      } else {
        LockSupport.park(this);
      }
    } finally {
      parked = false;
    }
    // park() returns at once while the interrupt flag is set; only a stop ends the taker.
    Thread.interrupted();
    return queue.poll();
  }
}
