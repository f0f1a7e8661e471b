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
  /**
   * A call in flight (or waiting for a connection): its encoded request and deadline. A streamed
   * call ({@code stream} set) has its connection to itself until its body has ended; its deadline
   * covers the head, then each gap between body bytes while its reader wants more.
   */
  static final class Call {
    final Buffer request;

    /** A GET of one key: the node answers it at once, so it may share a connection's write. */
    final boolean keyRead;

    long deadlineNanos;
    final long deadlineMs;
    final Promise<NodeReply> result = Promise.promise();
    final NodeStream stream; // null: the answer is gathered whole into result

    Call(Buffer request, boolean keyRead, long deadlineMs) {
      this(request, keyRead, deadlineMs, null);
    }

    Call(Buffer request, boolean keyRead, long deadlineMs, NodeStream stream) {
      this.request = request;
      this.keyRead = keyRead;
      this.deadlineMs = deadlineMs;
      this.stream = stream;
      this.deadlineNanos = System.nanoTime() + deadlineMs * 1_000_000L;
    }

    boolean done() {
      return stream != null ? stream.done() : result.future().isComplete();
    }

    void fail(Throwable failure) {
      if (stream != null) {
        stream.fail(failure);
      } else {
        result.tryFail(failure);
      }
    }

    /** Gives the node {@code deadlineMs} more from now (or no limit while the reader waits). */
    void extend(boolean readerPaused) {
      deadlineNanos = readerPaused ? Long.MAX_VALUE : System.nanoTime() + deadlineMs * 1_000_000L;
    }
  }

  private final NetSocket socket;
  private final Context context;
  private final ArrayDeque<Call> inFlight = new ArrayDeque<>();
  private final ResponseParser parser = new ResponseParser(this::answer, this::streamFor);
  private final Consumer<NodeConnection> onAnswer;
  private final Consumer<NodeConnection> onClose;
  private final BiConsumer<Call, Throwable> fail;
  private Buffer unwritten; // requests of this turn, written together by flush()
  private boolean unwrittenAreKeyReads;
  private boolean closed;
  private boolean closing; // the node said Connection: close: nothing more may be sent
  private Call streaming; // a streamed call in flight: it has the connection to itself
  private boolean readPaused;
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

  /** Whether a streamed call has this connection to itself now. */
  boolean isStreaming() {
    return streaming != null;
  }

  /** Whether calls may still be sent: open, and the node has not said it will close. */
  boolean takesCalls() {
    return !closed && !closing && streaming == null;
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
    if (call.stream != null) streaming = call;
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
    Call call = answered();
    if (call != null) call.result.tryComplete(reply);
  }

  /** Where the answer whose head just came goes: to its call's stream, if it has one. */
  private ResponseParser.BodyReader streamFor(int status, String contentType) {
    Call call = inFlight.peekFirst();
    if (call == null || call.stream == null) return null;
    call.extend(false);
    call.stream.opened(status, contentType, this);
    return new ResponseParser.BodyReader() {
      @Override
      public void chunk(Buffer bytes) {
        call.extend(readPaused);
        call.stream.chunk(bytes);
      }

      @Override
      public void end() {
        streaming = null;
        if (readPaused) {
          readPaused = false;
          socket.resume();
        }
        if (answered() != null) call.stream.end();
      }
    };
  }

  /** The oldest call in flight, now answered, off the list; null if there was none. */
  private Call answered() {
    Call call = inFlight.pollFirst();
    if (call == null) {
      // Answers pair with requests by order alone; after one nobody asked for, none can be trusted.
      close(new IOException("the node sent an answer the router did not ask for"));
      return null;
    }
    if (inFlight.isEmpty()) idleSinceNanos = System.nanoTime();
    // Set before onAnswer, which would otherwise hand this connection the calls waiting for room.
    if (parser.closeRequested()) closing = true;
    onAnswer.accept(this); // first: whoever the answer wakes may look at the client's state
    return call;
  }

  /** The streamed call's reader paused or resumed: so does reading from the node. */
  void streamPaused(boolean paused) {
    if (streaming == null || closed || paused == readPaused) return;
    readPaused = paused;
    streaming.extend(paused);
    if (paused) {
      socket.pause();
    } else {
      socket.resume();
    }
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
