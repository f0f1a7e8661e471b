package io.pxkv.bench.harness;

/**
 * The shape of a wrk run: threads, connections, seconds, and how many keys the Lua script picks
 * from ({@code bench-0 .. bench-(keys-1)}, passed after {@code --}).
 */
public record Load(int threads, int connections, int seconds, int keys) {

  public Load withConnections(int threads, int connections) {
    return new Load(threads, connections, seconds, keys);
  }

  public Load withKeys(int keys) {
    return new Load(threads, connections, seconds, keys);
  }

  public Load withSeconds(int seconds) {
    return new Load(threads, connections, seconds, keys);
  }

  /** {@code -t2 -c64 -d10s}. */
  public String flags() {
    return "-t" + threads + " -c" + connections + " -d" + seconds + "s";
  }
}
