package io.pxkv.router.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ResponseParser} against Netty's {@link HttpResponseDecoder} on seeded random node answers:
 * fixed length and chunked (with extensions and trailers), interim 1xx first, 204 and 304,
 * HTTP/1.0, {@code Connection: close}, bodies up to 64 KiB, several pipelined, cut into random
 * reads. Both must see the same answers (status, Content-Type, body, whether the connection closes)
 * complete after the same read. Then the same with one defect put in: whatever Netty finds invalid,
 * ours must reject too (ours may be stricter: a node never sends what it rejects beyond that).
 *
 * <p>Ours runs twice, gathering bodies and streaming them ({@link ResponseParser.Streams}): both
 * must come out the same.
 *
 * <p>A failure names its case seed; {@code -Dfuzz.seed=<seed> -Dfuzz.cases=1} replays that case
 * alone. {@code -Dfuzz.cases=N} runs more.
 */
class ResponseParserFuzzTest {
  private static final int CASES = Integer.getInteger("fuzz.cases", 2500);
  private static final long BASE_SEED = Long.getLong("fuzz.seed", System.nanoTime());

  /** What a parser made of a case: the answers, how many were whole after each read, and more. */
  record Outcome(
      List<String> answers,
      int[] completeAfterRead,
      boolean closes,
      boolean invalid,
      String error) {
    String summary() {
      return answers
          + " "
          + Arrays.toString(completeAfterRead)
          + " closes "
          + closes
          + " invalid "
          + invalid;
    }
  }

  @Test
  void agreesWithNettyOnValidAnswers() {
    runCases(false);
  }

  @Test
  void rejectsWhatNettyFindsInvalid() {
    int nettyInvalid = runCases(true);
    // Not all defects are invalid to Netty (it is lenient in places), but most must be, or this
    // test compares nothing.
    assertTrue(nettyInvalid > CASES / 3, "Netty found only " + nettyInvalid + " cases invalid");
  }

  /** Runs the cases; returns how many Netty found invalid. */
  private static int runCases(boolean withDefect) {
    int nettyInvalid = 0;
    for (int i = 0; i < CASES; i++) {
      long seed = BASE_SEED + i;
      String replay = "case seed " + seed + " (replay: -Dfuzz.seed=" + seed + " -Dfuzz.cases=1)";
      Random random = new Random(seed);
      Case c = Case.random(random, withDefect);
      List<byte[]> reads = cut(c.bytes, random);
      Outcome netty;
      Outcome ours;
      try {
        netty = netty(reads);
        ours = ours(reads, false);
        Outcome streamed = ours(reads, true);
        assertEquals(ours.summary(), streamed.summary(), "streamed bodies differ from gathered");
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError(replay + ": " + e, e);
      }
      String what = replay + ", defect " + c.defect + ", input:\n" + printable(c.bytes);
      if (netty.invalid) {
        nettyInvalid++;
        assertTrue(ours.invalid, "Netty rejects (" + netty.error + ") but ours accepts: " + what);
        continue;
      }
      if (ours.invalid && withDefect) continue; // stricter than Netty: allowed
      assertTrue(!ours.invalid, "ours rejects (" + ours.error + ") a valid answer: " + what);
      assertEquals(netty.answers, ours.answers, what);
      assertEquals(
          Arrays.toString(netty.completeAfterRead), Arrays.toString(ours.completeAfterRead), what);
      assertEquals(netty.closes, ours.closes, "connection closes? " + what);
    }
    return nettyInvalid;
  }

  /** Cuts {@code bytes} into reads: sometimes byte by byte, usually at a few random points. */
  private static List<byte[]> cut(byte[] bytes, Random random) {
    List<byte[]> reads = new ArrayList<>();
    int at = 0;
    boolean tiny = bytes.length < 2000 && random.nextInt(8) == 0;
    while (at < bytes.length) {
      int left = bytes.length - at;
      int n = tiny ? 1 : 1 + random.nextInt(Math.max(1, random.nextBoolean() ? 64 : left));
      n = Math.min(n, left);
      reads.add(Arrays.copyOfRange(bytes, at, at + n));
      at += n;
    }
    return reads;
  }

  /** Ours, with every body gathered, or with every final answer's body {@code streamed}. */
  private static Outcome ours(List<byte[]> reads, boolean streamed) {
    List<String> answers = new ArrayList<>();
    ResponseParser parser =
        new ResponseParser(
            reply ->
                answers.add(describe(reply.status(), reply.contentType(), reply.body().getBytes())),
            (status, contentType) -> {
              if (!streamed) return null;
              ByteArrayOutputStream body = new ByteArrayOutputStream();
              return new ResponseParser.BodyReader() {
                @Override
                public void chunk(Buffer bytes) {
                  body.writeBytes(bytes.getBytes());
                }

                @Override
                public void end() {
                  answers.add(describe(status, contentType, body.toByteArray()));
                }
              };
            });
    int[] complete = new int[reads.size()];
    for (int r = 0; r < reads.size(); r++) {
      try {
        parser.feed(Buffer.buffer(reads.get(r)));
      } catch (ResponseParser.ProtocolException e) {
        return new Outcome(answers, complete, true, true, e.getMessage());
      }
      complete[r] = answers.size();
    }
    return new Outcome(answers, complete, parser.closeRequested(), false, null);
  }

  private static Outcome netty(List<byte[]> reads) {
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new HttpResponseDecoder(
                new HttpDecoderConfig()
                    .setMaxHeaderSize(ResponseParser.MAX_HEAD_BYTES)
                    .setMaxInitialLineLength(ResponseParser.MAX_HEAD_BYTES)
                    .setMaxChunkSize(1 << 20)
                    .setStrictLineParsing(true)));
    List<String> answers = new ArrayList<>();
    int[] complete = new int[reads.size()];
    HttpResponse head = null;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean closes = false;
    try {
      for (int r = 0; r < reads.size(); r++) {
        channel.writeInbound(Unpooled.wrappedBuffer(reads.get(r)));
        for (HttpObject o; (o = channel.readInbound()) != null; ) {
          try {
            if (o.decoderResult().isFailure()) {
              return new Outcome(
                  answers, complete, closes, true, String.valueOf(o.decoderResult().cause()));
            }
            if (o instanceof HttpResponse response) {
              head = response;
              body.reset();
            }
            if (o instanceof HttpContent content) {
              ByteBuf bytes = content.content();
              body.write(ByteBufUtil.getBytes(bytes), 0, bytes.readableBytes());
            }
            if (o instanceof LastHttpContent && head.status().code() >= 200) {
              answers.add(
                  describe(
                      head.status().code(),
                      head.headers().get(HttpHeaderNames.CONTENT_TYPE),
                      body.toByteArray()));
              closes = !HttpUtil.isKeepAlive(head);
            }
          } finally {
            ReferenceCountUtil.release(o);
          }
        }
        complete[r] = answers.size();
      }
    } finally {
      channel.finishAndReleaseAll();
    }
    return new Outcome(answers, complete, closes, false, null);
  }

  private static String describe(int status, String contentType, byte[] body) {
    return status + " " + contentType + " " + body.length + " bytes " + Arrays.hashCode(body);
  }

  private static String printable(byte[] bytes) {
    String s = new String(bytes, 0, Math.min(bytes.length, 600), StandardCharsets.ISO_8859_1);
    return s.replace("\r", "\\r").replace("\n", "\\n\n") + (bytes.length > 600 ? "..." : "");
  }

  /** One to four answers as a node might pipeline them, the last maybe closing the connection. */
  static final class Case {
    final byte[] bytes;
    final String defect;

    private Case(byte[] bytes, String defect) {
      this.bytes = bytes;
      this.defect = defect;
    }

    private static final int[] STATUSES = {200, 200, 200, 201, 204, 304, 400, 404, 409, 500, 503};
    private static final String[] DEFECTS = {
      "chunk size without digits",
      "chunk size not hex",
      "chunk data too long",
      "chunk data too short",
      "no CRLF after chunk data",
      "Content-Length not a number",
      "Content-Length too large",
      "two Content-Lengths",
      "status not a number",
      "not HTTP",
    };

    static Case random(Random random, boolean withDefect) {
      int count = 1 + random.nextInt(4);
      String defect = withDefect ? DEFECTS[random.nextInt(DEFECTS.length)] : "none";
      int defective = random.nextInt(count);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < count; i++) {
        boolean last = i == count - 1;
        answer(out, random, last, i == defective ? defect : "none");
      }
      return new Case(out.toByteArray(), defect);
    }

    private static void answer(
        ByteArrayOutputStream out, Random random, boolean last, String defect) {
      while (random.nextInt(6) == 0) {
        int interim = new int[] {100, 102, 103}[random.nextInt(3)];
        ascii(out, "HTTP/1.1 " + interim + " Interim\r\n");
        if (random.nextBoolean()) ascii(out, "Link: </a>; rel=preload\r\n");
        ascii(out, "\r\n");
      }
      boolean http10 = random.nextInt(10) == 0;
      int status = STATUSES[random.nextInt(STATUSES.length)];
      boolean bodyless = status == 204 || status == 304;
      boolean chunked = !http10 && !bodyless && random.nextInt(3) == 0;
      if (defect.startsWith("chunk") || defect.startsWith("no CRLF")) {
        chunked = true;
        http10 = false;
        if (bodyless) status = 200;
        bodyless = false;
      } else if (defect.startsWith("Content-Length") || defect.startsWith("two")) {
        chunked = false;
        if (bodyless) status = 200;
        bodyless = false;
      }
      String statusText = Integer.toString(status);
      if (defect.equals("status not a number")) statusText = "2x0";
      String version = defect.equals("not HTTP") ? "HTTX/1.1" : http10 ? "HTTP/1.0" : "HTTP/1.1";
      ascii(
          out,
          version + " " + statusText + (random.nextInt(8) == 0 ? "" : " Some Reason") + "\r\n");
      if (random.nextBoolean()) {
        ascii(out, name(random, "Content-Type") + ": application/json\r\n");
      }
      if (random.nextInt(3) == 0) ascii(out, "X-Pxkv-Epoch: " + random.nextInt(100) + "\r\n");
      // Only the last answer may end the connection; HTTP/1.0 ones before it must keep it.
      boolean close = last && random.nextInt(3) == 0;
      if (close) {
        String[] forms = {"close", "Close", "keep-alive, close", "CLOSE , upgrade"};
        ascii(
            out, name(random, "Connection") + ": " + forms[random.nextInt(forms.length)] + "\r\n");
      } else if (http10 && !(last && random.nextBoolean())) {
        ascii(
            out,
            name(random, "Connection")
                + ": "
                + (random.nextBoolean() ? "keep-alive" : "Keep-Alive")
                + "\r\n");
      } else if (random.nextInt(5) == 0) {
        ascii(out, "Connection: keep-alive\r\n");
      }
      byte[] body = bodyless ? new byte[0] : body(random);
      if (chunked && body.length == 0 && !defect.equals("none")) body = new byte[] {'a', 'b'};
      if (bodyless) {
        if (random.nextBoolean()) {
          ascii(out, "Content-Length: " + random.nextInt(100) + "\r\n");
        }
        ascii(out, "\r\n");
      } else if (chunked) {
        ascii(
            out,
            name(random, "Transfer-Encoding")
                + ": "
                + (random.nextBoolean() ? "chunked" : "Chunked")
                + "\r\n\r\n");
        chunks(out, random, body, defect);
      } else {
        String length = Integer.toString(body.length);
        if (defect.equals("Content-Length not a number")) length = length + "x";
        if (defect.equals("Content-Length too large"))
          length = "9" + "0".repeat(10 + random.nextInt(12));
        ascii(out, name(random, "Content-Length") + ": " + length + "\r\n");
        if (defect.equals("two Content-Lengths"))
          ascii(out, "Content-Length: " + (body.length + 1) + "\r\n");
        ascii(out, "\r\n");
        out.writeBytes(body);
      }
    }

    /** The body in chunks of random sizes; a defect goes in the first one. */
    private static void chunks(
        ByteArrayOutputStream out, Random random, byte[] body, String defect) {
      for (int at = 0; at < body.length; ) {
        int n = Math.min(body.length - at, 1 + random.nextInt(random.nextBoolean() ? 16 : 8192));
        String size = Integer.toHexString(n);
        if (random.nextBoolean()) size = size.toUpperCase();
        if (random.nextInt(8) == 0) size = "0" + size;
        String extension = random.nextInt(6) == 0 ? ";name=value" : "";
        byte[] data = Arrays.copyOfRange(body, at, at + n);
        String end = "\r\n";
        if (at == 0) {
          switch (defect) {
            case "chunk size without digits" -> size = "";
            case "chunk size not hex" -> size = size + "g";
            case "chunk data too long" -> data = Arrays.copyOf(data, n + 1);
            case "chunk data too short" -> data = Arrays.copyOf(data, n - 1);
            case "no CRLF after chunk data" -> end = "XY";
            default -> {}
          }
        }
        ascii(out, size + extension + "\r\n");
        out.writeBytes(data);
        ascii(out, end);
        at += n;
      }
      ascii(out, "0" + (random.nextInt(6) == 0 ? ";done" : "") + "\r\n");
      if (random.nextInt(4) == 0) ascii(out, "X-Checksum: " + random.nextInt(1000) + "\r\n");
      ascii(out, "\r\n");
    }

    /** 0..64 KiB, most of them small as a node's answers are. */
    private static byte[] body(Random random) {
      int pick = random.nextInt(20);
      int size =
          pick < 13
              ? random.nextInt(256)
              : pick < 19 ? random.nextInt(4096) : random.nextInt(64 * 1024 + 1);
      byte[] body = new byte[size];
      random.nextBytes(body);
      return body;
    }

    /** A header name as written, in varied case: names are case-insensitive. */
    private static String name(Random random, String name) {
      return switch (random.nextInt(3)) {
        case 0 -> name.toLowerCase();
        case 1 -> name.toUpperCase();
        default -> name;
      };
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
      out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }
  }
}
