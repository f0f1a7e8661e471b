package io.pxkv.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free loopback ports for the servers: the kernel picks one (listen on port 0), and a port is never
 * handed out twice in one run, so two servers started back to back cannot be given the same.
 */
public final class Ports {
  private final Set<Integer> given = new HashSet<>();

  public synchronized int free() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free loopback port", e);
      }
      if (given.add(port)) {
        return port;
      }
    }
    throw new BenchException("no free loopback port after 100 tries");
  }
}
