package io.pxkv.bench.harness;

/**
 * How a party is called: the wrk scripts for its GET and PUT and the preloader's API. The bare
 * server and the bare proxy chain get the very same requests as px-kvstore ({@code KV}): same bytes
 * on the wire, same Lua work in wrk. A new baseline with its own URL scheme adds a constant and its
 * two scripts.
 */
public enum Api {
  /** {@code GET /kv?key=bench-N}, {@code PUT /kv/bench-N} with a small JSON body. */
  KV("get-kv.lua", "put-kv.lua", "kv"),
  /** webdis: {@code GET /GET/bench-N}, {@code PUT /SET/bench-N} with the same JSON bytes. */
  WEBDIS("get-webdis.lua", "put-webdis.lua", "webdis"),
  /**
   * etcd's HTTP gateway: {@code POST /v3/kv/range} and {@code POST /v3/kv/put} with the key and the
   * same JSON value bytes base64-encoded in a JSON body.
   */
  ETCD("get-etcd.lua", "put-etcd.lua", "etcd");

  private final String getScript;
  private final String putScript;
  private final String preloadApi;

  Api(String getScript, String putScript, String preloadApi) {
    this.getScript = getScript;
    this.putScript = putScript;
    this.preloadApi = preloadApi;
  }

  /** The API name {@link io.pxkv.bench.baseline.Preload} writes keys with. */
  public String preloadApiName() {
    return preloadApi;
  }

  /** The script for {@code GET} or {@code PUT}. */
  public String script(String method) {
    return switch (method) {
      case "GET" -> getScript;
      case "PUT" -> putScript;
      default -> throw new IllegalArgumentException("no " + method + " script for " + this);
    };
  }
}
