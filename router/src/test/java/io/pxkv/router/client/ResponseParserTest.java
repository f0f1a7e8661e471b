package io.pxkv.router.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseParserTest {
  private final List<NodeReply> replies = new ArrayList<>();
  private final ResponseParser parser = new ResponseParser(replies::add);

  private static final String OK =
      "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 7\r\n\r\n{\"a\":1}";
  private static final String NOT_FOUND =
      "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";

  private void feed(String s) throws Exception {
    parser.feed(Buffer.buffer(s));
  }

  @Test
  void readsStatusContentTypeAndBody() throws Exception {
    feed(OK);
    assertEquals(1, replies.size());
    assertEquals(200, replies.get(0).status());
    assertEquals("application/json", replies.get(0).contentType());
    assertEquals("{\"a\":1}", replies.get(0).body().toString());
  }

  @Test
  void pipelinedAnswersInOneReadComeOutInOrder() throws Exception {
    feed(OK + NOT_FOUND + OK);
    assertEquals(List.of(200, 404, 200), replies.stream().map(NodeReply::status).toList());
    assertEquals("{}", replies.get(1).body().toString());
  }

  @Test
  void anAnswerCutAtEveryByteIsReassembled() throws Exception {
    String two = OK + NOT_FOUND;
    for (int cut = 1; cut < two.length(); cut++) {
      replies.clear();
      ResponseParser p = new ResponseParser(replies::add);
      p.feed(Buffer.buffer(two.substring(0, cut)));
      p.feed(Buffer.buffer(two.substring(cut)));
      assertEquals(
          List.of(200, 404), replies.stream().map(NodeReply::status).toList(), "cut at " + cut);
      assertEquals("{\"a\":1}", replies.get(0).body().toString(), "cut at " + cut);
    }
  }

  @Test
  void decodesAChunkedBodyWithTrailers() throws Exception {
    feed(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n"
            + OK);
    assertEquals(2, replies.size());
    assertEquals("abcde", replies.get(0).body().toString());
    assertNull(replies.get(0).contentType());
    assertEquals(200, replies.get(1).status());
  }

  @Test
  void aBodylessStatusNeedsNoLength() throws Exception {
    feed("HTTP/1.1 204 No Content\r\n\r\n" + NOT_FOUND);
    assertEquals(List.of(204, 404), replies.stream().map(NodeReply::status).toList());
    assertEquals(0, replies.get(0).body().length());
  }

  @Test
  void interimAnswersAreSkipped() throws Exception {
    feed("HTTP/1.1 100 Continue\r\n\r\n" + OK);
    assertEquals(List.of(200), replies.stream().map(NodeReply::status).toList());
  }

  @Test
  void connectionCloseIsNoticed() throws Exception {
    feed("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    assertEquals(503, replies.get(0).status());
    assertTrue(parser.closeRequested());
  }

  @Test
  void whatIsNotHttpIsAProtocolError() {
    assertThrows(ResponseParser.ProtocolException.class, () -> feed("SSH-2.0-OpenSSH\r\n\r\n"));
    ResponseParser p = new ResponseParser(replies::add);
    assertThrows(
        ResponseParser.ProtocolException.class,
        () -> p.feed(Buffer.buffer("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n")));
    ResponseParser q = new ResponseParser(replies::add);
    assertThrows(
        ResponseParser.ProtocolException.class,
        () -> q.feed(Buffer.buffer("HTTP/1.1 200 OK\r\n\r\nbody until close")));
    ResponseParser r = new ResponseParser(replies::add);
    assertThrows(
        ResponseParser.ProtocolException.class,
        () ->
            r.feed(
                Buffer.buffer(
                    "HTTP/1.1 200 OK\r\nX: " + "y".repeat(ResponseParser.MAX_HEAD_BYTES))));
  }

  @Test
  void aChunkSizeWithNoHexDigitsIsAProtocolErrorNotTheLastChunk() {
    // Read as size 0 it would end the body early and take what follows for the next answer.
    for (String size : new String[] {"zz", ";ext=1", " ", ""}) {
      ResponseParser p = new ResponseParser(replies::add);
      assertThrows(
          ResponseParser.ProtocolException.class,
          () ->
              p.feed(
                  Buffer.buffer(
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          + size
                          + "\r\nabc\r\n0\r\n\r\n")),
          "chunk size line '" + size + "'");
    }
    assertEquals(List.of(), replies);
  }

  @Test
  void theLineEndAfterAChunksDataIsChecked() {
    for (String after : new String[] {"XY", "\n\n", "\r\r", "a\r"}) {
      ResponseParser p = new ResponseParser(replies::add);
      assertThrows(
          ResponseParser.ProtocolException.class,
          () ->
              p.feed(
                  Buffer.buffer(
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc"
                          + after
                          + "0\r\n\r\n"
                          + OK)),
          "after the data: '" + after + "'");
    }
    assertEquals(List.of(), replies);
  }

  @Test
  void connectionIsATokenListReadWithoutRegardToCase() throws Exception {
    for (String value : new String[] {"keep-alive, close", "Close", "close , foo", "x,CLOSE"}) {
      ResponseParser p = new ResponseParser(replies::add);
      p.feed(
          Buffer.buffer(
              "HTTP/1.1 200 OK\r\nConnection: " + value + "\r\nContent-Length: 0\r\n\r\n"));
      assertTrue(p.closeRequested(), "Connection: " + value);
    }
    ResponseParser p = new ResponseParser(replies::add);
    p.feed(
        Buffer.buffer(
            "HTTP/1.1 200 OK\r\nConnection: closed, upgrade\r\nContent-Length: 0\r\n\r\n"));
    assertFalse(p.closeRequested(), "closed is not close");
  }

  @Test
  void anHttp10AnswerClosesTheConnectionUnlessItSaysKeepAlive() throws Exception {
    feed("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}");
    assertEquals(1, replies.size());
    assertTrue(parser.closeRequested(), "HTTP/1.0 is close by default");
    ResponseParser p = new ResponseParser(replies::add);
    p.feed(
        Buffer.buffer("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\n{}"));
    assertFalse(p.closeRequested(), "HTTP/1.0 with keep-alive stays open");
  }

  @Test
  void a204Or304HasNoBodyWhateverItsContentLengthSays() throws Exception {
    feed(
        "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"
            + "HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n"
            + NOT_FOUND);
    assertEquals(List.of(204, 304, 404), replies.stream().map(NodeReply::status).toList());
    assertEquals(0, replies.get(0).body().length());
    assertEquals(0, replies.get(1).body().length());
    assertEquals("{}", replies.get(2).body().toString());
  }

  @Test
  void aContentLengthPastTwoToThe31IsRejectedAtOnce() {
    // Such a body could never be held; waiting for it would only end at the call's deadline.
    for (String length : new String[] {"2147483648", "3000000000", "99999999999999999999999"}) {
      ResponseParser p = new ResponseParser(replies::add);
      assertThrows(
          ResponseParser.ProtocolException.class,
          () -> p.feed(Buffer.buffer("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n")),
          "Content-Length: " + length);
    }
  }

  @Test
  void aChunkedBodyFedOneByteAtATimeIsReadInLinearTime() {
    // Decoding everything again on each read would take hours here; state kept across reads, ms.
    int chunks = 4096;
    byte[] data = new byte[1024];
    java.util.Arrays.fill(data, (byte) 'x');
    Buffer wire = Buffer.buffer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < chunks; i++) {
      wire.appendString("400\r\n").appendBytes(data).appendString("\r\n");
    }
    wire.appendString("0\r\n\r\n");
    byte[] bytes = wire.getBytes();
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(20),
        () -> {
          for (byte b : bytes) parser.feed(Buffer.buffer(new byte[] {b}));
        });
    assertEquals(1, replies.size());
    assertEquals(chunks * 1024, replies.get(0).body().length());
  }
}
