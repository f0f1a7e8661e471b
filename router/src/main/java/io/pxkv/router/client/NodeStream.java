package io.pxkv.router.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;

/**
 * A node's answer read as it comes ({@link NodeClient#stream}): status and Content-Type once the
 * head is in, then the body as a {@link ReadStream} with back-pressure. It travels on one of the
 * node's pooled connections, which carries nothing else until the body has ended and then goes back
 * to the pool; pausing the stream stops reading that connection.
 *
 * <p>Bytes that arrive while the stream is paused, or before its handlers are set, wait here: none
 * is dropped. The end comes once every byte before it was handed out. A failure after the head (the
 * node went silent between chunks, the connection broke) goes to the exception handler at once,
 * paused or not, and the bytes still waiting are dropped.
 *
 * <p>Confined to the event loop of the client that opened it.
 */
public final class NodeStream implements ReadStream<Buffer> {
  private static final Object END = new Object();

  private final Context context;
  private final Promise<NodeStream> head = Promise.promise();
  private final ArrayDeque<Object> queue = new ArrayDeque<>(); // Buffer, END or a Throwable
  private NodeConnection connection; // set with the head
  private int status;
  private String contentType;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private boolean delivering;
  private boolean finished; // the end or a failure was queued, or the reader dropped the stream
  private boolean dropped;

  NodeStream(Context context) {
    this.context = context;
  }

  public int statusCode() {
    return status;
  }

  /** The answer's Content-Type, or null if it had none. */
  public String contentType() {
    return contentType;
  }

  /** The whole body, gathered (for small answers, such as a refusal). */
  public Future<Buffer> body() {
    Promise<Buffer> whole = Promise.promise();
    Buffer gathered = Buffer.buffer();
    handler(gathered::appendBuffer);
    exceptionHandler(whole::tryFail);
    endHandler(v -> whole.tryComplete(gathered));
    resume();
    return whole.future();
  }

  /**
   * Stops reading: the reader wants no more of this answer. Its connection is closed (what is left
   * of the body cannot be skipped over cheaply or safely); nothing more is handed out.
   */
  public void reset() {
    if (finished) return;
    finished = true;
    dropped = true;
    queue.clear();
    if (connection != null) connection.close(new java.io.IOException("the stream was dropped"));
  }

  @Override
  public NodeStream handler(Handler<Buffer> handler) {
    this.handler = handler;
    later();
    return this;
  }

  @Override
  public NodeStream endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    later();
    return this;
  }

  @Override
  public NodeStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    later();
    return this;
  }

  @Override
  public NodeStream pause() {
    demand = 0;
    if (connection != null) connection.streamPaused(true);
    return this;
  }

  @Override
  public NodeStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public NodeStream fetch(long amount) {
    if (amount <= 0) return this;
    demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
    if (connection != null) connection.streamPaused(false);
    later();
    return this;
  }

  /** Completes when the head is in (or fails with why it never came). */
  Future<NodeStream> head() {
    return head.future();
  }

  /** Whether this stream is past use: ended, failed or dropped. */
  boolean done() {
    return finished;
  }

  /** The head came on {@code connection}. */
  void opened(int status, String contentType, NodeConnection connection) {
    this.status = status;
    this.contentType = contentType;
    this.connection = connection;
    if (demand == 0) connection.streamPaused(true); // paused before the head came
    head.tryComplete(this);
  }

  void chunk(Buffer bytes) {
    if (dropped) return;
    queue.add(bytes);
    deliver();
  }

  void end() {
    if (finished) return;
    finished = true;
    queue.add(END);
    deliver();
  }

  /** The call failed: before its head, the head fails; after, the reader hears of it. */
  void fail(Throwable failure) {
    if (finished) return;
    finished = true;
    if (head.tryFail(failure)) return;
    // Said at once, even to a paused reader: the bytes still waiting lead nowhere now.
    queue.clear();
    queue.add(failure);
    deliver();
  }

  private void later() {
    context.runOnContext(v -> deliver());
  }

  /** Hands out what is queued, as far as demand and the handlers set allow. */
  private void deliver() {
    if (delivering) return; // a handler called back into the stream; the loop below goes on
    delivering = true;
    try {
      while (!queue.isEmpty()) {
        Object next = queue.peek();
        if (next instanceof Buffer bytes) {
          if (demand == 0 || handler == null) return;
          queue.poll();
          if (demand != Long.MAX_VALUE) {
            demand--;
            if (demand == 0 && connection != null) connection.streamPaused(true);
          }
          handler.handle(bytes);
        } else if (next == END) {
          if (endHandler == null) return;
          queue.poll();
          endHandler.handle(null);
        } else {
          if (exceptionHandler == null) return;
          queue.poll();
          exceptionHandler.handle((Throwable) next);
        }
      }
    } finally {
      delivering = false;
    }
  }
}
