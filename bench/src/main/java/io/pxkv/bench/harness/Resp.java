package io.pxkv.bench.harness;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The least of a Redis client a baseline needs: commands sent as RESP arrays of bulk strings, as
 * many as wanted before their replies are read (pipelining), replies read back as Java values
 * (String, Long, List; an error reply throws). Not thread-safe.
 */
public final class Resp implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  public Resp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
  }

  /** Queues one command; {@link #flush} sends what is queued. */
  public void send(String... args) throws IOException {
    out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      out.write(('$' + Integer.toString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(b);
      out.write('\r');
      out.write('\n');
    }
  }

  public void flush() throws IOException {
    out.flush();
  }

  /** Sends one command and reads its reply. */
  public Object call(String... args) throws IOException {
    send(args);
    flush();
    return read();
  }

  /** The next reply. */
  public Object read() throws IOException {
    int type = in.read();
    String line = line();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IOException("redis: " + line);
      case ':':
        return Long.parseLong(line);
      case '$':
        {
          int n = Integer.parseInt(line);
          if (n < 0) return null;
          byte[] b = in.readNBytes(n);
          in.readNBytes(2);
          return new String(b, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int n = Integer.parseInt(line);
          if (n < 0) return null;
          List<Object> items = new ArrayList<>(n);
          for (int i = 0; i < n; i++) items.add(read());
          return items;
        }
      default:
        throw new IOException("redis: unexpected reply type " + type);
    }
  }

  private String line() throws IOException {
    StringBuilder s = new StringBuilder();
    for (int c = in.read(); c != '\r'; c = in.read()) {
      if (c < 0) throw new IOException("redis closed the connection");
      s.append((char) c);
    }
    in.read();
    return s.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
