package io.pxkv.bench.harness;

import java.util.List;

/**
 * What wrk sends: the base URL and the Lua script in {@code bench/wrk/} that builds each request.
 * The script gets the key count (from the {@link Load}) and then {@code scriptArgs} after {@code
 * --}.
 */
public record WrkCall(String url, String script, List<String> scriptArgs) {
  public WrkCall(String url, String script) {
    this(url, script, List.of());
  }
}
