package io.pxkv.router.routing;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one client's PUT or DELETE of a replicated key learned over its tries: a write is tried
 * again with a new version after a replica held a newer one ({@link ReplicatedWrites}' rounds) and
 * routed again after the nodes moved to a newer view ({@link Rerouting}). A replica that stored an
 * earlier try answers a later one with that try as what it held before, and a read before a later
 * try finds the earlier try as the key's newest write; neither says whether the key existed before
 * the client wrote. So this keeps the versions the tries sent and, for each replica, what it said
 * it held before the first try reached it, and the read before the first try: 200 vs 201 (and 200
 * vs 404) is decided by the state before the client's write, whatever number of tries it took.
 *
 * <p>One per client request, used on its event loop.
 */
public final class WriteTries {
  /** A write a replica held, or a read found: (version, writer), and whether it was a value. */
  record Held(long version, int writer, boolean live) {}

  // Most writes take one try: the collections are made for a second.
  private long firstVersion;
  private Set<Long> laterVersions;
  private Map<String, Held> firstHeld;
  private ReplicaRead firstRead;

  /** A try goes out with {@code version} (this router's writer). */
  void sent(long version) {
    if (firstVersion == 0) {
      firstVersion = version;
    } else {
      if (laterVersions == null) laterVersions = new HashSet<>();
      laterVersions.add(version);
    }
  }

  private boolean ours(long version, int writer) {
    if (writer != RouterClock.WRITER || version == 0) return false;
    return version == firstVersion || (laterVersions != null && laterVersions.contains(version));
  }

  /**
   * What replica {@code nodeId} held before this write, given that it reported {@code held} as what
   * a try replaced: {@code held} itself unless it is an earlier try, else what the replica reported
   * when that try reached it (null if that answer never came).
   */
  Held before(String nodeId, Held held) {
    if (!ours(held.version(), held.writer())) {
      if (firstHeld == null) firstHeld = new HashMap<>();
      firstHeld.putIfAbsent(nodeId, held);
      return held;
    }
    return before(nodeId);
  }

  /** What replica {@code nodeId} held before this write, as far as known (null: unknown). */
  Held before(String nodeId) {
    return firstHeld == null ? null : firstHeld.get(nodeId);
  }

  /** The key's newest write before this one, given that a read before a try found {@code read}. */
  ReplicaRead before(ReplicaRead read) {
    if (!ours(read.version(), read.writer())) {
      if (firstRead == null) firstRead = read;
      return read;
    }
    return firstRead == null ? ReplicaRead.ABSENT : firstRead;
  }
}
