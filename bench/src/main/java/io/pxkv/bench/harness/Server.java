package io.pxkv.bench.harness;

/**
 * A server the scenario started and that answered its readiness probe; {@code https}: it serves TLS
 * (its certificate is for 127.0.0.1).
 */
public record Server(String name, int port, ManagedProcess process, Api api, boolean https) {

  /** A server of plain HTTP. */
  public Server(String name, int port, ManagedProcess process, Api api) {
    this(name, port, process, api, false);
  }

  public String url() {
    return (https ? "https" : "http") + "://127.0.0.1:" + port;
  }

  /** The wrk call for {@code GET} or {@code PUT} against it. */
  public WrkCall call(String method) {
    return new WrkCall(url(), api.script(method));
  }

  public WrkCall get() {
    return call("GET");
  }

  public WrkCall put() {
    return call("PUT");
  }
}
