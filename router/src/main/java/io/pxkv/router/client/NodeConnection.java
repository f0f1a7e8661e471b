package io.pxkv.router.client;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One kept-alive TCP connection to a node that carries pipelined HTTP/1.1 requests: requests go out
 * in order, answers come back in the same order, so the oldest call in flight owns the next answer.
 * Requests handed over in one event-loop turn are written together, in one system call.
 *
 * <p>Confined to the event loop of its {@link NodeConnections}.
 */
final class NodeConnection {
  /** A call in flight (or waiting for a connection): its encoded request and deadline. */
  static final class Call {
    final Buffer request;

    /** A GET of one key: the node answers it at once, so it may share a connection's write. */
    final boolean keyRead;

    final long deadlineNanos;
    final long deadlineMs;
    final Promise<NodeReply> result = Promise.promise();

    Call(Buffer request, boolean keyRead, long deadlineMs) {
      this.request = request;
      this.keyRead = keyRead;
      this.deadlineMs = deadlineMs;
      this.deadlineNanos = System.nanoTime() + deadlineMs * 1_000_000L;
    }
  }

  private final NetSocket socket;
  private final Context context;
  private final ArrayDeque<Call> inFlight = new ArrayDeque<>();
  private final ResponseParser parser = new ResponseParser(this::answer);
  private final Consumer<NodeConnection> onAnswer;
  private final Consumer<NodeConnection> onClose;
  private final BiConsumer<Call, Throwable> fail;
  private Buffer unwritten; // requests of this turn, written together by flush()
  private boolean unwrittenAreKeyReads;
  private boolean closed;
  private boolean closing; // the node said Connection: close: nothing more may be sent
  private Throwable closeReason;
  private long idleSinceNanos = System.nanoTime(); // when the last call in flight was answered

  NodeConnection(
      NetSocket socket,
      Context context,
      Consumer<NodeConnection> onAnswer,
      Consumer<NodeConnection> onClose,
      BiConsumer<Call, Throwable> fail) {
    this.socket = socket;
    this.context = context;
    this.onAnswer = onAnswer;
    this.onClose = onClose;
    this.fail = fail;
    socket.handler(
        bytes -> {
          try {
            parser.feed(bytes);
            if (parser.closeRequested()) socket.close();
          } catch (ResponseParser.ProtocolException e) {
            close(e);
          }
        });
    // A failed read or write closes the socket too; the calls then fail with what went wrong.
    socket.exceptionHandler(
        e -> {
          if (closeReason == null) closeReason = e;
        });
    socket.closeHandler(v -> closed());
  }

  int inFlight() {
    return inFlight.size();
  }

  /** Whether calls may still be sent: open, and the node has not said it will close. */
  boolean takesCalls() {
    return !closed && !closing;
  }

  /** Whether this turn's requests, waiting to be written together, are all GETs of one key. */
  boolean gatheringKeyReads() {
    return unwritten != null && unwrittenAreKeyReads;
  }

  /** Whether no call has been in flight for at least {@code nanos} at {@code nowNanos}. */
  boolean idleFor(long nanos, long nowNanos) {
    return inFlight.isEmpty() && unwritten == null && nowNanos - idleSinceNanos >= nanos;
  }

  /** A call in flight whose deadline has passed at {@code nowNanos}, or null. */
  Call expired(long nowNanos) {
    for (Call call : inFlight) {
      if (nowNanos - call.deadlineNanos >= 0) return call;
    }
    return null;
  }

  void send(Call call) {
    inFlight.addLast(call);
    if (unwritten == null) {
      unwritten = call.request; // encoded by NodeClient for this call alone: ours to extend
      unwrittenAreKeyReads = call.keyRead;
      context.runOnContext(v -> flush());
    } else {
      unwritten.appendBuffer(call.request);
      unwrittenAreKeyReads &= call.keyRead;
    }
  }

  /** Closes the connection; every call in flight fails with {@code reason}. */
  void close(Throwable reason) {
    if (closeReason == null) closeReason = reason;
    socket.close();
  }

  private void flush() {
    Buffer out = unwritten;
    unwritten = null;
    if (out != null && !closed) socket.write(out);
  }

  private void answer(NodeReply reply) {
    Call call = inFlight.pollFirst();
    if (call == null) {
      // Answers pair with requests by order alone; after one nobody asked for, none can be trusted.
      close(new IOException("the node sent an answer the router did not ask for"));
      return;
    }
    if (inFlight.isEmpty()) idleSinceNanos = System.nanoTime();
    // Set before onAnswer, which would otherwise hand this connection the calls waiting for room.
    if (parser.closeRequested()) closing = true;
    onAnswer.accept(this); // first: whoever the answer wakes may look at the client's state
    call.result.tryComplete(reply);
  }

  private void closed() {
    closed = true;
    unwritten = null;
    Throwable reason =
        closeReason != null ? closeReason : new IOException("the connection was closed");
    for (Call call; (call = inFlight.pollFirst()) != null; ) {
      fail.accept(call, reason);
    }
    onClose.accept(this);
  }
}
