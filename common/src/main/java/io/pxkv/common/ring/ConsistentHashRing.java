package io.pxkv.common.ring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A consistent-hash ring: each node id is placed at {@code virtualNodes} positions ("tokens"), and
 * a key belongs to the node of the first token at or after the key's hash, clockwise, in unsigned
 * order.
 *
 * <p>Token {@code i} of node {@code id} sits at {@code hash(id + "#vnode-" + i)}. That spelling is
 * part of the data layout (it decides which node holds which key), so it must never change; the
 * pinned table in {@code ConsistentHashRingTest} guards it. Two nodes landing on the same token is
 * broken deterministically in favour of the smaller node id.
 *
 * <p>Immutable and thread-safe: a new ring is built for every membership change and swapped in.
 */
public final class ConsistentHashRing {
  public static final int DEFAULT_VIRTUAL_NODES = 128;

  private final List<String> nodeIds;
  private final int virtualNodes;
  private final HashFunction hash;

  /** Sorted in unsigned order; {@code owners[i]} owns the arc ending at {@code tokens[i]}. */
  private final long[] tokens;

  private final String[] owners;

  public ConsistentHashRing(List<String> nodeIds, int virtualNodes, HashFunction hash) {
    if (nodeIds.isEmpty()) {
      throw new IllegalArgumentException("a ring needs at least one node");
    }
    if (virtualNodes < 1) {
      throw new IllegalArgumentException("virtualNodes must be >= 1 (was " + virtualNodes + ")");
    }
    if (new LinkedHashSet<>(nodeIds).size() != nodeIds.size()) {
      throw new IllegalArgumentException("node ids must be distinct (were " + nodeIds + ")");
    }
    this.nodeIds = List.copyOf(nodeIds);
    this.virtualNodes = virtualNodes;
    this.hash = hash;
    Token[] all = new Token[nodeIds.size() * virtualNodes];
    int n = 0;
    for (String id : nodeIds) {
      for (int i = 0; i < virtualNodes; i++) {
        all[n++] = new Token(hash.hash(tokenName(id, i)), id);
      }
    }
    Arrays.sort(
        all,
        (a, b) -> {
          int c = Long.compareUnsigned(a.position, b.position);
          return c != 0 ? c : a.nodeId.compareTo(b.nodeId);
        });
    // Keep the first of any colliding tokens so every position has one owner.
    long[] positions = new long[all.length];
    String[] ids = new String[all.length];
    int kept = 0;
    for (Token t : all) {
      if (kept > 0 && positions[kept - 1] == t.position) {
        continue;
      }
      positions[kept] = t.position;
      ids[kept] = t.nodeId;
      kept++;
    }
    this.tokens = Arrays.copyOf(positions, kept);
    this.owners = Arrays.copyOf(ids, kept);
  }

  public ConsistentHashRing(List<String> nodeIds, int virtualNodes) {
    this(nodeIds, virtualNodes, Murmur3.INSTANCE);
  }

  /** Node ids in the order they were given (the config's order). */
  public List<String> nodeIds() {
    return nodeIds;
  }

  public int virtualNodes() {
    return virtualNodes;
  }

  public HashFunction hashFunction() {
    return hash;
  }

  /** The node that owns {@code key}. */
  public String owner(String key) {
    return ownerOfPosition(hash.hash(key));
  }

  /** The node that owns ring position {@code position}. */
  public String ownerOfPosition(long position) {
    return owners[indexOf(position)];
  }

  /**
   * The first {@code n} distinct nodes met walking clockwise from {@code key}'s position: the owner
   * first, then the replicas a replicated setup would use. Fewer when the ring has fewer nodes.
   */
  public List<String> preferenceList(String key, int n) {
    int wanted = Math.min(n, nodeIds.size());
    LinkedHashSet<String> found = new LinkedHashSet<>();
    int start = indexOf(hash.hash(key));
    for (int i = 0; i < owners.length && found.size() < wanted; i++) {
      found.add(owners[(start + i) % owners.length]);
    }
    return List.copyOf(found);
  }

  /** The number of tokens on the ring (the arcs walked by {@link #ownerAt}). */
  public int tokenCount() {
    return tokens.length;
  }

  /** The index of the token whose arc holds {@code key}: {@link #ownerAt} it is the owner. */
  public int tokenIndexOf(String key) {
    return indexOf(hash.hash(key));
  }

  /** The owner of the {@code index}-th token, clockwise from the lowest position. */
  public String ownerAt(int index) {
    return owners[index];
  }

  /** Each node's fraction of the hash space, in config order; the values sum to 1. */
  public Map<String, Double> shares() {
    Map<String, Double> shares = new LinkedHashMap<>();
    for (String id : nodeIds) {
      shares.put(id, 0.0);
    }
    for (OwnedRange r : ranges()) {
      shares.merge(r.owner(), r.range().share(), Double::sum);
    }
    return Collections.unmodifiableMap(shares);
  }

  /** Every arc of the ring with its owner, clockwise from the lowest token. */
  public List<OwnedRange> ranges() {
    List<OwnedRange> ranges = new ArrayList<>(tokens.length);
    for (int i = 0; i < tokens.length; i++) {
      long previous = tokens[(i + tokens.length - 1) % tokens.length];
      ranges.add(new OwnedRange(new TokenRange(previous, tokens[i]), owners[i]));
    }
    return List.copyOf(ranges);
  }

  /** The string hashed to place token {@code index} of node {@code id}; frozen, see above. */
  static String tokenName(String id, int index) {
    return id + "#vnode-" + index;
  }

  /** Token positions in unsigned order; a copy. */
  public long[] tokens() {
    return tokens.clone();
  }

  /** Index of the first token at or after {@code position}, wrapping to 0 past the last. */
  private int indexOf(long position) {
    int lo = 0;
    int hi = tokens.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(tokens[mid], position) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == tokens.length ? 0 : lo;
  }

  @Override
  public String toString() {
    return "ConsistentHashRing" + nodeIds + " x " + virtualNodes;
  }

  /** An arc and the node that owns it. */
  public record OwnedRange(TokenRange range, String owner) {}

  private record Token(long position, String nodeId) {}
}
