package io.pxkv.common.http;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.parsetools.RecordParser;
import java.util.function.Function;

/**
 * Reads a JSON-lines request body as it arrives and applies each line to storage, with a bounded
 * number of writes in flight: the request is paused while the writer catches up, so a body of any
 * size is never held in memory. Used by {@code POST /admin/import} (node and router) and the node's
 * {@code /internal/*} calls of rebalancing.
 *
 * <p>Lines are parsed in order and their writes queued in order (the engine applies queued writes
 * in order). Blank lines are ignored. At the first bad line, or the first failed write, reading
 * stops; once every write already queued has settled, the result fails with a {@link KvException}
 * whose message starts {@code line N:}. For a bad line it adds that every line before it was
 * processed (applied or skipped); a failed write of an earlier line is reported instead, since then
 * that is not true. A line longer than {@code maxLineBytes} is {@code 413 body_too_large}.
 *
 * <p>Confined to the request's event loop.
 *
 * @param <T> what a line parses to
 */
public final class JsonLinesReader<T> {
  /** Writes queued to the engine at once; enough to fill group-commit batches. */
  public static final int MAX_WRITES_IN_FLIGHT = 256;

  /** What applying a body did: lines whose write happened, and lines the engine declined. */
  public record Counts(long applied, long skipped) {}

  private final HttpServerRequest request;
  private final RecordParser lines;
  private final long maxLineBytes;
  private final Function<byte[], T> parse;
  private final Function<T, Future<Boolean>> apply;
  private final Promise<Counts> result = Promise.promise();
  private long lineNumber;
  private long applied;
  private long skipped;
  private int inFlight;
  private boolean ended;
  private boolean stopped;
  private KvException lineFailure;
  private KvException writeFailure;

  private JsonLinesReader(
      HttpServerRequest request,
      long maxLineBytes,
      Function<byte[], T> parse,
      Function<T, Future<Boolean>> apply) {
    this.request = request;
    this.maxLineBytes = maxLineBytes;
    this.parse = parse;
    this.apply = apply;
    this.lines = RecordParser.newDelimited("\n", request);
    lines.maxRecordSize((int) Math.min(Integer.MAX_VALUE, maxLineBytes));
  }

  /**
   * Reads the body of {@code request}: each non-blank line through {@code parse} (which throws a
   * {@link KvException} for a bad line), then {@code apply} (true: applied, false: skipped).
   */
  public static <T> Future<Counts> read(
      HttpServerRequest request,
      long maxLineBytes,
      Function<byte[], T> parse,
      Function<T, Future<Boolean>> apply) {
    JsonLinesReader<T> reader = new JsonLinesReader<>(request, maxLineBytes, parse, apply);
    reader.start();
    return reader.result.future();
  }

  /**
   * Sends {@code failure} as the JSON error. The rest of the body may be unread, so the connection
   * cannot carry another request and is closed.
   */
  public static void sendFailure(HttpServerRequest request, Throwable failure) {
    if (!request.response().headWritten()) {
      request.response().putHeader(Headers.CONNECTION, "close");
    }
    ErrorResponses.send(request.response(), failure);
  }

  private void start() {
    lines.handler(this::line);
    // The parser's only failure of its own is a line over the size limit; a broken connection
    // also ends up here.
    lines.exceptionHandler(
        t -> {
          if (stopped) {
            return;
          } else if (t instanceof IllegalStateException) {
            String problem = "longer than " + maxLineBytes + " bytes";
            lineFailure =
                new KvException(
                    ErrorCode.BODY_TOO_LARGE, lineMessage(lineNumber + 1, problem, lineNumber));
          } else {
            lineFailure =
                new KvException(
                    ErrorCode.INVALID_REQUEST, "the request body could not be read: " + t);
          }
          stop();
        });
    lines.endHandler(
        v -> {
          ended = true;
          settleIfDone();
        });
  }

  private void line(Buffer raw) {
    if (stopped) return;
    long number = ++lineNumber;
    if (raw.length() == 0 || raw.toString().isBlank()) return;
    T parsed;
    try {
      parsed = parse.apply(raw.getBytes());
    } catch (RuntimeException e) {
      KvException k = ErrorResponses.toKvException(e);
      lineFailure = new KvException(k.code(), lineMessage(number, k.getMessage(), number - 1));
      stop();
      return;
    }
    inFlight++;
    if (inFlight >= MAX_WRITES_IN_FLIGHT) lines.pause();
    apply
        .apply(parsed)
        .onComplete(
            ar -> {
              inFlight--;
              if (ar.failed()) {
                if (writeFailure == null) {
                  KvException e = ErrorResponses.toKvException(ar.cause());
                  writeFailure =
                      new KvException(e.code(), "line " + number + ": " + e.getMessage(), e);
                }
                stop();
              } else if (ar.result()) {
                applied++;
              } else {
                skipped++;
              }
              if (!stopped && inFlight < MAX_WRITES_IN_FLIGHT / 2) lines.resume();
              settleIfDone();
            });
  }

  private static String lineMessage(long number, String problem, long before) {
    return "line "
        + number
        + ": "
        + problem
        + " (the "
        + before
        + (before == 1 ? " line" : " lines")
        + " before it were processed)";
  }

  /** Stops reading at the first failure; the answer waits for the writes already queued. */
  private void stop() {
    if (!stopped) {
      stopped = true;
      lines.pause();
    }
    settleIfDone();
  }

  private void settleIfDone() {
    if (inFlight > 0) return;
    if (stopped) {
      result.tryFail(writeFailure != null ? writeFailure : lineFailure);
    } else if (ended) {
      result.tryComplete(new Counts(applied, skipped));
    }
  }
}
