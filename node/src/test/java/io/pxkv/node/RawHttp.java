package io.pxkv.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * HTTP/1.1 by hand over a socket, for requests no ordinary client sends: a request target and a
 * body given as bytes, invalid UTF-8 included. One request per connection ({@code Connection:
 * close}), read to the end; the answer's body must not be chunked.
 */
public final class RawHttp {
  private RawHttp() {}

  /** The status and body of an answer. */
  public record Answer(int status, byte[] bytes) {
    /** The body as UTF-8 text. */
    public String body() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** Sends {@code method target} with {@code body} (or none) to 127.0.0.1:{@code port}. */
  public static Answer send(int port, String method, byte[] target, byte[] body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(ascii(method + " "));
      request.writeBytes(target);
      request.writeBytes(ascii(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"));
      if (body != null) {
        request.writeBytes(ascii("Content-Type: application/json\r\n"));
        request.writeBytes(ascii("Content-Length: " + body.length + "\r\n"));
      }
      request.writeBytes(ascii("\r\n"));
      if (body != null) request.writeBytes(body);
      OutputStream out = socket.getOutputStream();
      out.write(request.toByteArray());
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] response = in.readAllBytes();
      // The head is ASCII; ISO-8859-1 keeps one char per byte, so indexes are byte offsets.
      String text = new String(response, StandardCharsets.ISO_8859_1);
      int headEnd = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.1 ") || headEnd < 0) {
        throw new IllegalStateException("not an HTTP answer: " + text);
      }
      int status = Integer.parseInt(text.substring(9, 12));
      return new Answer(status, Arrays.copyOfRange(response, headEnd + 4, response.length));
    } catch (IOException e) {
      throw new RuntimeException(method + " failed: " + e, e);
    }
  }

  /**
   * {@code prefix}, then {@code raw} as it is, then {@code suffix}: a body or target with holes.
   */
  public static byte[] bytes(String prefix, byte[] raw, String suffix) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(raw);
    out.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** Every byte of {@code raw} as a {@code %XX} escape. */
  public static String percentEncoded(byte[] raw) {
    StringBuilder s = new StringBuilder();
    for (byte b : raw) s.append(String.format("%%%02X", b & 0xff));
    return s.toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
