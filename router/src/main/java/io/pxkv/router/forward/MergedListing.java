package io.pxkv.router.forward;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.router.cluster.ClusterView;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * {@code GET /kv}: one JSON object of every pair in the cluster, streamed. Each node's own streamed
 * {@code {K:V,...}} is read in turn and its bytes are spliced into the client's response: the
 * node's opening and closing braces are dropped and a comma joins two non-empty nodes. Nothing is
 * parsed or buffered beyond one network chunk, and the node is paused whenever the client's write
 * queue is full, so memory stays flat however big the cluster is.
 *
 * <p>If the first node cannot be reached the client gets a 503/504 JSON error. Once the 200 head is
 * sent, any failure (a node down, a cut or malformed stream) resets the connection, so the client
 * sees a broken chunked body and never mistakes a partial listing for a complete one. If the client
 * goes away, the node request is reset too.
 *
 * <p>Confined to the event loop of the request.
 */
final class MergedListing {

  void handle(HttpServerRequest request, ClusterView view) {
    new Stream(request.response(), view.clients(), view.tag()).next();
  }

  private static final class Stream {
    private final HttpServerResponse out;
    private final List<NodeClient> nodes;
    private final ViewTag tag;
    private int index;
    private boolean done;
    private boolean anyPair;
    private HttpClientResponse current;
    // Per node: whether its '{' was seen, whether it had a pair, and its last byte held back
    // (which must turn out to be its closing '}'), unsigned, -1 when none.
    private boolean opened;
    private boolean nodeHasPair;
    private int held = -1;

    Stream(HttpServerResponse out, List<NodeClient> nodes, ViewTag tag) {
      this.out = out;
      this.nodes = nodes;
      this.tag = tag;
      out.closeHandler(
          v -> {
            if (!done && current != null) {
              current.request().reset();
            }
            done = true;
          });
    }

    void next() {
      if (done) {
        return;
      }
      if (index == nodes.size()) {
        done = true;
        out.end(Buffer.buffer("}"));
        return;
      }
      NodeClient node = nodes.get(index++);
      node.stream(tag, "/kv")
          .onComplete(
              ar -> {
                if (done) {
                  if (ar.succeeded()) {
                    NodeClient.discard(ar.result());
                  }
                } else if (ar.failed()) {
                  fail(ar.cause());
                } else {
                  pump(node, ar.result());
                }
              });
    }

    private void pump(NodeClient node, HttpClientResponse in) {
      if (in.statusCode() != 200) {
        NodeClient.discard(in);
        fail(
            new KvException(
                ErrorCode.NODE_UNAVAILABLE,
                "node " + node.node().id() + " answered " + in.statusCode() + " to a listing"));
        return;
      }
      if (!out.headWritten()) {
        out.setChunked(true).putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON);
        out.write(Buffer.buffer("{"));
      }
      current = in;
      opened = false;
      nodeHasPair = false;
      held = -1;
      in.handler(
          chunk -> {
            if (done) {
              return;
            }
            Buffer spliced = splice(chunk);
            if (spliced == null) {
              in.request().reset();
              fail(malformed(node));
              return;
            }
            if (spliced.length() > 0) {
              out.write(spliced);
            }
            if (out.writeQueueFull()) {
              in.pause();
              out.drainHandler(v -> in.resume());
            }
          });
      in.exceptionHandler(e -> fail(node.noteFailure(e)));
      in.endHandler(
          v -> {
            current = null;
            if (!opened || held != '}') {
              fail(malformed(node));
            } else {
              next();
            }
          });
    }

    /** The bytes of {@code chunk} that belong in the merged object, or null if it is not JSON. */
    private Buffer splice(Buffer chunk) {
      int start = 0;
      int length = chunk.length();
      if (!opened) {
        while (start < length && isSpace(chunk.getByte(start))) {
          start++;
        }
        if (start == length) {
          return Buffer.buffer();
        }
        if (chunk.getByte(start) != '{') {
          return null;
        }
        opened = true;
        start++;
      }
      if (start == length) {
        return Buffer.buffer();
      }
      Buffer spliced = Buffer.buffer(length - start + 2);
      if (held >= 0) {
        appendPair(spliced).appendByte((byte) held);
      }
      if (length - 1 > start) {
        appendPair(spliced).appendBuffer(chunk, start, length - 1 - start);
      }
      held = chunk.getByte(length - 1) & 0xff;
      return spliced;
    }

    /** Writes the comma that separates this node's first byte from the previous node's pairs. */
    private Buffer appendPair(Buffer spliced) {
      if (!nodeHasPair) {
        nodeHasPair = true;
        if (anyPair) {
          spliced.appendByte((byte) ',');
        }
        anyPair = true;
      }
      return spliced;
    }

    private void fail(Throwable failure) {
      if (done) {
        return;
      }
      done = true;
      // Before the head: a JSON error. After it: a reset, the only signal left (ErrorResponses).
      ErrorResponses.send(out, failure);
    }

    private static boolean isSpace(byte b) {
      return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static KvException malformed(NodeClient node) {
      return new KvException(
          ErrorCode.NODE_UNAVAILABLE,
          "node " + node.node().id() + " sent a listing that is not one whole JSON object");
    }
  }
}
