package io.pxkv.bench.harness;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection for a measured series of sequential calls (query latency): the
 * request written and the answer read on the caller's thread, so a latency is the server's and the
 * network's, not a client library's. {@link Http} (java.net.http) hands each call to its own
 * threads and back, which on this kind of machine added about as much as the server took. Reads
 * {@code Content-Length} and chunked answers; reconnects when the server closed the connection. Not
 * thread-safe.
 */
public final class KeepAliveClient implements AutoCloseable {
  private final String host;
  private final int port;
  private final Duration timeout;
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  /** A client of the server of {@code baseUrl} ({@code http://host:port}). */
  public KeepAliveClient(String baseUrl, Duration timeout) {
    URI uri = URI.create(baseUrl);
    this.host = uri.getHost();
    this.port = uri.getPort();
    this.timeout = timeout;
  }

  /** Sends {@code method path} with {@code body} (null: none); null if no answer came. */
  public Http.Answer call(String method, String path, byte[] body, String type) {
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        if (socket == null) connect();
        write(method, path, body, type);
        return read();
      } catch (IOException e) {
        closeQuietly(); // a connection the server closed: once more on a new one
      }
    }
    return null;
  }

  private void connect() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
    socket.setSoTimeout((int) timeout.toMillis());
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
  }

  private void write(String method, String path, byte[] body, String type) throws IOException {
    StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(host).append(':').append(port).append("\r\n");
    if (body != null) {
      if (type != null) head.append("Content-Type: ").append(type).append("\r\n");
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[h.length + (body == null ? 0 : body.length)];
    System.arraycopy(h, 0, all, 0, h.length);
    if (body != null) System.arraycopy(body, 0, all, h.length, body.length);
    out.write(all);
    out.flush();
  }

  private Http.Answer read() throws IOException {
    String status = line();
    if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
      throw new IOException("not an HTTP/1.1 status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = line(); !h.isEmpty(); h = line()) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) length = Long.parseLong(h.substring(15).trim());
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
      if (lower.startsWith("connection:") && lower.contains("close")) close = true;
    }
    byte[] body;
    if (chunked) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (long size = chunkSize(); size > 0; size = chunkSize()) {
        b.write(exactly(size));
        line();
      }
      while (!line().isEmpty()) {
        // trailers
      }
      body = b.toByteArray();
    } else if (length >= 0) {
      body = exactly(length);
    } else {
      throw new IOException("an answer with neither Content-Length nor chunked encoding");
    }
    if (close) closeQuietly();
    return new Http.Answer(code, new String(body, StandardCharsets.UTF_8));
  }

  private long chunkSize() throws IOException {
    String size = line();
    int semicolon = size.indexOf(';');
    return Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
  }

  private byte[] exactly(long n) throws IOException {
    byte[] b = in.readNBytes((int) n);
    if (b.length != n) throw new IOException("connection closed inside an answer");
    return b;
  }

  /** One line without its CRLF. */
  private String line() throws IOException {
    StringBuilder s = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) throw new IOException("connection closed");
      if (c != '\r') s.append((char) c);
    }
    return s.toString();
  }

  private void closeQuietly() {
    try {
      if (socket != null) socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    socket = null;
  }

  @Override
  public void close() {
    closeQuietly();
  }
}
