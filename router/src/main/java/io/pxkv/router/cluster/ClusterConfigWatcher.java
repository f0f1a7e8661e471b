package io.pxkv.router.cluster;

import static java.lang.System.Logger.Level.ERROR;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Re-reads the cluster file every {@code periodMs} with the async file system and reports each
 * valid new content once. An invalid file (bad JSON, duplicate id, bad URL, no nodes) is logged
 * once per content and kept as {@link #lastError} for {@code /admin/cluster}; nothing else happens,
 * so the running ring stays. Runs on the event loop that called {@link #start}.
 */
public final class ClusterConfigWatcher {
  private static final System.Logger log = System.getLogger(ClusterConfigWatcher.class.getName());

  private final Vertx vertx;
  private final String file;
  private final long periodMs;
  private final Consumer<ClusterConfig> onChange;
  private Buffer lastContent;
  private volatile String lastError;
  private long timerId = -1;

  public ClusterConfigWatcher(
      Vertx vertx, String file, long periodMs, Consumer<ClusterConfig> onChange) {
    this.vertx = vertx;
    this.file = file;
    this.periodMs = periodMs;
    this.onChange = onChange;
  }

  /** Starts watching; {@code initial} is the content the router started with (not reported). */
  public void start(Buffer initial) {
    lastContent = initial;
    timerId = vertx.setPeriodic(periodMs, id -> check());
  }

  public void stop() {
    if (timerId >= 0) vertx.cancelTimer(timerId);
  }

  /** Why the newest file was refused, or null when it is in force. */
  public String lastError() {
    return lastError;
  }

  private void check() {
    vertx
        .fileSystem()
        .readFile(file)
        .onSuccess(this::consider)
        .onFailure(
            e -> {
              String error = file + ": cannot read: " + e.getMessage();
              if (!error.equals(lastError))
                log.log(ERROR, "cluster config refused, keeping the running ring: " + error);
              lastError = error;
            });
  }

  private void consider(Buffer content) {
    if (content.equals(lastContent)) return;
    lastContent = content;
    ClusterConfig next;
    try {
      next = ClusterConfig.fromJson(content.toString(), file);
    } catch (ConfigException e) {
      lastError = e.oneLine();
      log.log(ERROR, "cluster config refused, keeping the running ring: " + lastError);
      return;
    }
    lastError = null;
    onChange.accept(next);
  }
}
