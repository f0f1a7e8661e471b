package io.pxkv.router.listing;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.router.cluster.ClusterView;
import io.pxkv.router.routing.MovingReads;
import io.pxkv.router.routing.NodeAnswers.Held;
import io.vertx.core.Future;

/**
 * What a listing does with a key whose newest record on every node's scan is a handoff marker
 * ({@link ScanRecord#handedOff}): the key left a node for its owner in the target, and the owner's
 * scan passed the key before the copy arrived there (had it not, the copy would have won in the
 * merge). The key existed throughout, so the listing reads it where it went: {@code GET
 * /internal/read} on its owner, then its other possible holders if the owner has nothing ({@link
 * MovingReads#newest}), tagged with the listing's view. A live answer is listed; a tombstone or
 * nothing means the key was deleted (or moved on) meanwhile, and nothing is listed.
 *
 * <p>A node that cannot be reached fails the listing as a node failing its scan would: listing
 * without the key would give a wrong answer that looks whole. Runs on the listing's event loop.
 */
final class HandedOffKeys {
  private HandedOffKeys() {}

  /** The key of {@code marker} as its holders have it now: a live record, or null. */
  static Future<ScanRecord> resolve(ClusterView view, ScanRecord marker) {
    String key = marker.key();
    return MovingReads.newest(view, key, view.holdersOf(key))
        .map(
            read -> {
              if (read.held().state() != Held.State.LIVE) return null;
              try {
                ScanRecord live = ScanRecord.parse(read.reply().body());
                if (!live.key().equals(key) || live.value() == null) {
                  throw new IllegalArgumentException("the answer is about another key");
                }
                return live;
              } catch (IllegalArgumentException e) {
                throw new KvException(
                    ErrorCode.NODE_UNAVAILABLE,
                    "a node answered a read of '"
                        + key
                        + "' the router cannot use: "
                        + e.getMessage());
              }
            });
  }
}
