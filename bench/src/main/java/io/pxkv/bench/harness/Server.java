package io.pxkv.bench.harness;

/** A server the scenario started and that answered its readiness probe. */
public record Server(String name, int port, ManagedProcess process, Api api) {

  public String url() {
    return "http://127.0.0.1:" + port;
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
