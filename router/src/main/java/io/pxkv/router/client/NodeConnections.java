package io.pxkv.router.client;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.error.KvException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The connections one event loop keeps to one node, for {@link NodeClient#call} and {@link
 * NodeClient#stream} alike: up to {@code poolSize} carrying single calls, each up to {@code
 * pipelining} requests at once, and beside them up to {@code poolSize} held by streams, each of
 * which has its connection to itself until its body has ended and then gives it back. A stream
 * takes an idle connection or opens one; it never waits behind pipelined calls. A GET of one key
 * joins the GETs of one key already gathered for writing in this event-loop turn, if any: one write
 * carries them, and the node, which answers most such reads from its cache at once, reads and
 * answers them together. Any other call goes to an idle connection, else opens a new one while the
 * pool has room, else is pipelined behind the fewest calls, else waits for room.
 *
 * <p>Deadlines: one timer per pool checks every call a few times per deadline. A call past its
 * deadline fails with {@code 504}; if it was already sent, its connection is closed, since every
 * answer behind it on that connection would have to wait for it, and the calls on it fail too. A
 * refused or failed connection attempt fails the calls that were waiting for it at once ({@code
 * 503}) when no other connection is open; the next call tries again, so a node that comes back is
 * used without a restart.
 *
 * <p>Confined to the event loop whose context created it.
 */
final class NodeConnections {
  private final Vertx vertx;
  private final Context context;
  private final NodeInfo node;
  private final NodeSockets sockets;
  private final int poolSize;
  private final int pipelining;
  private final long idleCloseNanos;
  private final Consumer<String> onError;
  private final Runnable onAnswer;
  private final List<NodeConnection> open = new ArrayList<>();
  private final ArrayDeque<NodeConnection.Call> waiting = new ArrayDeque<>();
  private final ArrayDeque<NodeConnection.Call> waitingStreams = new ArrayDeque<>();
  private final long sweepTimer;
  private int connecting;
  private boolean closed;
  private boolean draining; // closeWhenIdle(): closes once nothing is in flight
  private final Promise<Void> drained = Promise.promise();

  NodeConnections(
      Vertx vertx,
      NodeInfo node,
      long connectTimeoutMs,
      long sweepEveryMs,
      int poolSize,
      int pipelining,
      long idleCloseMs,
      NodeAccess access,
      Consumer<String> onError,
      Runnable onAnswer) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.node = node;
    this.poolSize = poolSize;
    this.pipelining = pipelining;
    this.idleCloseNanos = TimeUnit.MILLISECONDS.toNanos(idleCloseMs);
    this.onError = onError;
    this.onAnswer = onAnswer;
    this.sockets = new NodeSockets(vertx, node, connectTimeoutMs, access);
    this.sweepTimer = vertx.setPeriodic(sweepEveryMs, id -> expire());
  }

  /** Sends {@code call}'s request when a connection has room; its result completes the call. */
  void submit(NodeConnection.Call call) {
    if (closed) {
      fail(call, new IllegalStateException("the router is closing"));
      return;
    }
    if (call.stream != null) {
      submitStream(call);
      return;
    }
    if (call.keyRead) {
      NodeConnection gathering = gatheringKeyReads();
      if (gathering != null && gathering.inFlight() < pipelining) {
        gathering.send(call);
        return;
      }
    }
    NodeConnection best = leastBusy();
    if (best != null && best.inFlight() == 0) {
      best.send(call);
    } else if (roomForCalls()) {
      waiting.addLast(call);
      connect();
    } else if (best != null && best.inFlight() < pipelining) {
      best.send(call);
    } else {
      waiting.addLast(call);
    }
  }

  /**
   * A stream takes an idle connection, else a new one while fewer than {@code poolSize} streams are
   * open (they hold their connections for long, so they must not wait behind pipelined calls, nor
   * take all the room single calls have), else waits for a stream to end.
   */
  private void submitStream(NodeConnection.Call call) {
    for (NodeConnection c : open) {
      if (c.takesCalls() && c.inFlight() == 0) {
        c.send(call);
        return;
      }
    }
    waitingStreams.addLast(call);
    int streams = 0;
    for (NodeConnection c : open) {
      if (c.isStreaming()) streams++;
    }
    if (streams + connecting < poolSize) connect();
  }

  /** Whether another connection may open for single calls: those held by streams do not count. */
  private boolean roomForCalls() {
    int held = connecting;
    for (NodeConnection c : open) {
      if (!c.isStreaming()) held++;
    }
    return held < poolSize;
  }

  /** Connections open now (for tests). */
  int openCount() {
    return open.size();
  }

  /** Stops: calls still waiting for a connection fail now, those in flight when theirs closes. */
  Future<Void> close() {
    closed = true;
    vertx.cancelTimer(sweepTimer);
    IllegalStateException closing = new IllegalStateException("the router is closing");
    for (NodeConnection.Call call; (call = waiting.pollFirst()) != null; ) {
      fail(call, closing);
    }
    for (NodeConnection.Call call; (call = waitingStreams.pollFirst()) != null; ) {
      fail(call, closing);
    }
    Future<Void> done = sockets.close();
    done.onComplete(ar -> drained.tryComplete());
    return done;
  }

  /**
   * Closes once nothing is in flight: calls and streams in flight or waiting for a connection still
   * get their answers, and calls made meanwhile still go out; idle connections close now, the
   * others once their last answer has ended. For a node that left the cluster's view: a listing
   * still reading its scan, or a read routed by the view before, must not be cut.
   */
  Future<Void> closeWhenIdle() {
    if (!draining) {
      draining = true;
      closeIdle();
    }
    return drained.future();
  }

  /** While draining: closes the idle connections, and the whole pool once nothing is left. */
  private void closeIdle() {
    if (!draining || closed) return;
    for (NodeConnection c : List.copyOf(open)) {
      if (c.inFlight() == 0) {
        open.remove(c); // at once: no call may pick it while its socket closes
        c.close(new IOException("the node left the view"));
      }
    }
    if (open.isEmpty() && connecting == 0 && waiting.isEmpty() && waitingStreams.isEmpty()) {
      close();
    }
  }

  /** The connection gathering this turn's key reads for one write, or null. */
  private NodeConnection gatheringKeyReads() {
    for (NodeConnection c : open) {
      if (c.takesCalls() && c.gatheringKeyReads()) return c;
    }
    return null;
  }

  private NodeConnection leastBusy() {
    NodeConnection best = null;
    for (NodeConnection c : open) {
      if (c.takesCalls() && (best == null || c.inFlight() < best.inFlight())) best = c;
    }
    return best;
  }

  private void connect() {
    connecting++;
    sockets
        .open()
        .onComplete(
            ar -> {
              connecting--;
              if (ar.succeeded()) {
                opened(ar.result());
              } else {
                connectFailed(ar.cause());
              }
            });
  }

  private void opened(NetSocket socket) {
    if (closed) {
      socket.close();
      return;
    }
    NodeConnection c =
        new NodeConnection(socket, context, this::answered, this::closedConnection, this::fail);
    open.add(c);
    hasRoom(c);
    closeIdle();
  }

  private void answered(NodeConnection c) {
    onAnswer.run();
    if (c.takesCalls()) {
      hasRoom(c);
    } else {
      // The node closes it after this answer: its place in the pool goes to a new connection,
      // which takes the calls waiting for room.
      open.remove(c);
      if (!waiting.isEmpty() && !closed && roomForCalls()) connect();
      if (!waitingStreams.isEmpty() && !closed && connecting == 0) connect();
    }
    closeIdle();
  }

  /**
   * Moves waiting calls onto {@code c} while it has room; a waiting stream first, if it is idle.
   */
  private void hasRoom(NodeConnection c) {
    if (!waitingStreams.isEmpty() && c.takesCalls() && c.inFlight() == 0) {
      c.send(waitingStreams.pollFirst());
      // The calls that waited for it, if this was theirs, need another.
      if (!waiting.isEmpty() && !closed && roomForCalls()) connect();
      return;
    }
    while (!waiting.isEmpty() && c.takesCalls() && c.inFlight() < pipelining) {
      c.send(waiting.pollFirst());
    }
  }

  private void connectFailed(Throwable cause) {
    onError.accept(NodeFailures.map(node, cause, 0).getMessage());
    // While others are open, they take the waiting calls as answers come back.
    if (open.isEmpty() && connecting == 0) {
      for (NodeConnection.Call call; (call = waiting.pollFirst()) != null; ) {
        fail(call, cause);
      }
      for (NodeConnection.Call call; (call = waitingStreams.pollFirst()) != null; ) {
        fail(call, cause);
      }
    }
    closeIdle();
  }

  private void closedConnection(NodeConnection c) {
    open.remove(c);
    if (!waiting.isEmpty() && !closed && roomForCalls()) connect();
    if (!waitingStreams.isEmpty() && !closed && connecting == 0) connect();
    closeIdle();
  }

  /** Fails {@code call} with the contract error for {@code cause}, and records it. */
  private void fail(NodeConnection.Call call, Throwable cause) {
    if (call.done()) return;
    KvException error = NodeFailures.map(node, cause, call.deadlineMs);
    onError.accept(error.getMessage()); // first: whoever the failure wakes may look at it
    call.fail(error);
  }

  private void expireWaiting(ArrayDeque<NodeConnection.Call> calls, long now) {
    for (Iterator<NodeConnection.Call> it = calls.iterator(); it.hasNext(); ) {
      NodeConnection.Call call = it.next();
      if (now - call.deadlineNanos >= 0) {
        it.remove();
        fail(call, NodeFailures.timeout(node, call.deadlineMs));
      }
    }
  }

  /**
   * Fails every call past its deadline (and closes the connections they were sent on), and closes
   * connections idle for {@code idleCloseMs}: a NAT table or load balancer between router and node
   * may have dropped such a flow without a word, and a call sent on it would wait out its deadline.
   */
  private void expire() {
    long now = System.nanoTime();
    expireWaiting(waiting, now);
    expireWaiting(waitingStreams, now);
    for (NodeConnection c : List.copyOf(open)) {
      NodeConnection.Call late = c.expired(now);
      if (late != null) {
        c.close(NodeFailures.timeout(node, late.deadlineMs));
      } else if (c.idleFor(idleCloseNanos, now)) {
        c.close(new IOException("closed after " + idleCloseNanos / 1_000_000 + " ms idle"));
      }
    }
    closeIdle();
  }
}
