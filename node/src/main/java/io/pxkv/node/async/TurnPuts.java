package io.pxkv.node.async;

import io.pxkv.node.storage.StorageEngine.PutResult;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the puts that one event-loop turn asks for and hands them to {@link
 * StorageService#putAll} together when the turn's I/O is done, so several requests read in one turn
 * cost the writer thread one wake-up and come back in one hop. Puts tagged with another epoch than
 * the ones gathered so far send those first (one hand-off carries one tag); in steady state every
 * request carries the same one. Confined to its event loop.
 */
public final class TurnPuts {
  private final StorageService storage;
  private final Context context;
  private List<String> keys = new ArrayList<>();
  private List<byte[]> values = new ArrayList<>();
  private long[] expiries; // null while no gathered put expires

  private List<Promise<List<AsyncResult<PutResult>>>> callers = new ArrayList<>();
  private List<Integer> counts = new ArrayList<>();
  private long epoch;

  public TurnPuts(StorageService storage, Context context) {
    this.storage = storage;
    this.context = context;
  }

  /** {@link StorageService#putAll}, sent along with the other puts of this turn. */
  public Future<List<AsyncResult<PutResult>>> putAll(
      List<String> keys, List<byte[]> values, long epoch) {
    return putAll(keys, values, null, epoch);
  }

  /**
   * {@link StorageService#putAll} of values expiring at {@code expiresAt[i]} (null: none), sent
   * along with the other puts of this turn.
   */
  public Future<List<AsyncResult<PutResult>>> putAll(
      List<String> keys, List<byte[]> values, long[] expiresAt, long epoch) {
    if (!callers.isEmpty() && epoch != this.epoch) send();
    if (expiresAt != null) {
      int from = this.keys.size();
      if (expiries == null) expiries = new long[Math.max(16, from + keys.size())];
      if (expiries.length < from + keys.size()) {
        expiries = java.util.Arrays.copyOf(expiries, 2 * (from + keys.size()));
      }
      System.arraycopy(expiresAt, 0, expiries, from, keys.size());
    } else if (expiries != null && expiries.length < this.keys.size() + keys.size()) {
      expiries = java.util.Arrays.copyOf(expiries, 2 * (this.keys.size() + keys.size()));
    }
    this.epoch = epoch;
    // Netty runs queued tasks after the turn's reads, so this one sees every request read with it.
    if (callers.isEmpty()) context.runOnContext(v -> send());
    Promise<List<AsyncResult<PutResult>>> caller = Promise.promise();
    callers.add(caller);
    counts.add(keys.size());
    this.keys.addAll(keys);
    this.values.addAll(values);
    return caller.future();
  }

  private void send() {
    if (callers.isEmpty()) return; // sent early, for a put of another epoch
    List<Promise<List<AsyncResult<PutResult>>>> sentFor = callers;
    List<Integer> sentCounts = counts;
    long[] expiresAt = expiries == null ? null : java.util.Arrays.copyOf(expiries, keys.size());
    Future<List<AsyncResult<PutResult>>> all = storage.putAll(keys, values, expiresAt, epoch);
    expiries = null;
    keys = new ArrayList<>();
    values = new ArrayList<>();
    callers = new ArrayList<>();
    counts = new ArrayList<>();
    all.onComplete(
        done -> {
          int from = 0;
          for (int i = 0; i < sentFor.size(); i++) {
            int to = from + sentCounts.get(i);
            if (done.succeeded()) {
              sentFor.get(i).complete(done.result().subList(from, to));
            } else {
              sentFor.get(i).fail(done.cause());
            }
            from = to;
          }
        });
  }
}
