package io.pxkv.node.index;

import io.pxkv.common.cluster.IndexSpec;
import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.query.IndexQuery;
import io.pxkv.common.query.KnnQuery;
import io.pxkv.node.async.WriteListener;
import io.pxkv.node.index.OrderedIndex.Posting;
import io.pxkv.node.storage.StorageEngine;
import io.pxkv.node.storage.StorageEngine.Entry;
import io.pxkv.node.storage.StorageEngine.Versioned;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's value indexes, as the view it serves declares them ({@link #declare}). Every write
 * the {@link io.pxkv.node.async.StorageService} applies reaches {@link #applied}; an index that is
 * new (added to a running cluster, or every index after a restart: they live in memory only) is
 * filled from a scan of the engine on a thread of its own, {@code kv-index}, while writes go on
 * reaching it, so the restart itself waits for nothing. Until its scan is done an index answers
 * {@code 503 index_building} (after waiting up to a second for it, so a small build goes
 * unnoticed); {@link #status} tells how far it got.
 *
 * <p>Every hit is read again from the engine before it is returned, and returned only if the live
 * value still matches: an index entry may lag behind the record (or outlive it, when a write's
 * notice arrives after the key's deletion), never a wrong pair. Queries block on disk reads: run
 * them off the event loop.
 */
public final class NodeIndexes implements WriteListener {
  private static final Logger LOG = Logger.getLogger(NodeIndexes.class.getName());
  private static final int BUILD_BATCH = 1000;

  /** How long a query waits for an index being built before it answers index_building. */
  private static final long BUILD_WAIT_MS = 1000;

  private final StorageEngine engine;
  private final ExecutorService builder =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "kv-index");
            t.setDaemon(true);
            return t;
          });
  private volatile List<IndexSpec> declared = List.of();
  private volatile Map<String, Live> byName = Map.of();

  public NodeIndexes(StorageEngine engine) {
    this.engine = engine;
  }

  /** One declared index and how far its build got. */
  private static final class Live {
    final IndexSpec spec;
    final OrderedIndex ordered;
    final VectorIndex vectors;
    final AtomicLong scanned = new AtomicLong();
    volatile long total;
    volatile boolean ready;
    final CountDownLatch built = new CountDownLatch(1);
    volatile boolean dropped;

    Live(IndexSpec spec) {
      this.spec = spec;
      this.ordered =
          spec.type() == IndexSpec.Type.VECTOR
              ? null
              : new OrderedIndex(spec.type() == IndexSpec.Type.NUMBER);
      this.vectors =
          spec.type() == IndexSpec.Type.VECTOR ? new VectorIndex(spec.dims(), spec.metric()) : null;
    }

    void apply(String key, Object decoded, long version) {
      Object value = decoded == null ? null : IndexedValue.of(spec, decoded);
      if (ordered != null) ordered.apply(key, value, version);
      else vectors.apply(key, (float[]) value, version);
    }

    int size() {
      return ordered != null ? ordered.size() : vectors.size();
    }
  }

  /**
   * Makes {@code specs} this node's indexes: new ones (or changed ones) start building, those no
   * longer declared are dropped. Cheap when nothing changed; any thread.
   */
  public synchronized void declare(List<IndexSpec> specs) {
    if (specs.equals(declared)) return;
    Map<String, Live> now = byName;
    Map<String, Live> next = new LinkedHashMap<>();
    List<Live> started = new ArrayList<>();
    for (IndexSpec spec : specs) {
      Live old = now.get(spec.name());
      if (old != null && old.spec.equals(spec)) {
        next.put(spec.name(), old);
      } else {
        Live fresh = new Live(spec);
        next.put(spec.name(), fresh);
        started.add(fresh);
      }
    }
    for (Live old : now.values()) {
      if (next.get(old.spec.name()) != old) old.dropped = true;
    }
    byName = Map.copyOf(next);
    declared = List.copyOf(specs);
    for (Live l : started) builder.execute(() -> build(l));
  }

  /** Fills {@code index} from a scan of every live key, a batch at a time. */
  private void build(Live index) {
    try {
      index.total = engine.size();
      String after = null;
      while (!index.dropped) {
        List<Entry> batch = engine.scan("", after, BUILD_BATCH);
        for (Entry e : batch) {
          index.apply(e.key(), IndexedValue.decode(e.value()), e.version());
        }
        index.scanned.addAndGet(batch.size());
        if (batch.size() < BUILD_BATCH) break;
        after = batch.get(batch.size() - 1).key();
      }
      if (index.ordered != null) index.ordered.built();
      else index.vectors.built();
      index.ready = true;
      index.built.countDown();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "index '" + index.spec.name() + "' could not be built: " + e, e);
    }
  }

  /** The declaration of index {@code name}, or null. */
  public IndexSpec spec(String name) {
    Live l = byName.get(name);
    return l == null ? null : l.spec;
  }

  @Override
  public void check(String key, byte[] value) {
    Map<String, Live> indexes = byName;
    boolean vectors = false;
    for (Live l : indexes.values()) vectors |= l.vectors != null;
    if (!vectors) return;
    Object decoded = IndexedValue.decode(value);
    for (Live l : indexes.values()) IndexedValue.check(l.spec, decoded);
  }

  @Override
  public void applied(String key, byte[] value, long version) {
    Map<String, Live> indexes = byName;
    if (indexes.isEmpty()) return;
    try {
      Object decoded = value == null ? null : IndexedValue.decode(value);
      for (Live l : indexes.values()) l.apply(key, decoded, version);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "indexing '" + key + "' failed: " + e, e);
    }
  }

  /** One pair a query returns: the live record and where the index holds it. */
  public record Hit(String key, byte[] value, long version, int writer, Object at, float score) {}

  /** A page of a node's hits: {@code more} when the index holds more after the last one. */
  public record Page(List<Hit> hits, boolean more) {}

  /**
   * Up to {@code limit} live pairs of {@code query} in index order, strictly after ({@code
   * afterValue}, {@code afterKey}) when those are given. Blocking.
   */
  public Page range(IndexQuery query, Object afterValue, String afterKey, int limit)
      throws IOException {
    Live index = ready(query.index());
    if (index.ordered == null) throw notKind(query.index());
    Iterator<Posting> postings;
    if (afterKey != null) {
      postings = index.ordered.from(new Posting(afterValue, afterKey), false);
    } else {
      Object first = query.first();
      postings = index.ordered.from(first == null ? null : new Posting(first, ""), true);
    }
    List<Hit> hits = new ArrayList<>(Math.min(limit, 1024));
    while (postings.hasNext()) {
      Posting p = postings.next();
      if (query.pastEnd(p.value())) return new Page(hits, false);
      if (!query.admits(p.value())) continue;
      if (hits.size() == limit) return new Page(hits, true);
      Optional<Versioned> live = engine.get(p.key());
      if (live.isEmpty()) continue;
      Object now = IndexedValue.of(index.spec, IndexedValue.decode(live.get().value()));
      if (now == null || !query.admits(now)) continue;
      Versioned v = live.get();
      hits.add(new Hit(p.key(), v.value(), v.version(), v.writer(), p.value(), 0));
    }
    return new Page(hits, false);
  }

  /** The {@code k} live pairs nearest the query vector, nearest first. Blocking. */
  public List<Hit> nearest(KnnQuery query) throws IOException {
    Live index = ready(query.index());
    if (index.vectors == null) throw notKind(query.index());
    List<Hit> hits = new ArrayList<>(query.k());
    for (VectorIndex.Scored s : index.vectors.nearest(query.vector(), query.k(), query.prefix())) {
      Optional<Versioned> live = engine.get(s.key());
      if (live.isEmpty()) continue;
      Versioned v = live.get();
      float score = s.score();
      if (v.version() != s.version()) {
        // The index lags behind a write that just landed: scored again from the live vector.
        Object now = IndexedValue.of(index.spec, IndexedValue.decode(v.value()));
        if (!(now instanceof float[] vector)) continue;
        score = index.vectors.score(query.vector(), vector);
      }
      hits.add(new Hit(s.key(), v.value(), v.version(), v.writer(), null, score));
    }
    boolean higher = index.spec.metric().higherIsNearer();
    hits.sort(
        (a, b) ->
            higher ? Float.compare(b.score(), a.score()) : Float.compare(a.score(), b.score()));
    return hits;
  }

  private Live ready(String name) {
    Live index = byName.get(name);
    if (index == null)
      throw new KvException(ErrorCode.UNKNOWN_INDEX, "no index named '" + name + "'");
    if (!index.ready) {
      // A small build (a node that just joined, an index just added to few keys) ends in moments:
      // wait for it rather than refuse.
      try {
        index.built.await(BUILD_WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (!index.ready) {
      throw new KvException(
          ErrorCode.INDEX_BUILDING,
          "index '" + name + "' is being built (" + progress(index) + "): ask again shortly");
    }
    return index;
  }

  private static KvException notKind(String name) {
    return new KvException(
        ErrorCode.UNKNOWN_INDEX, "index '" + name + "' does not answer this query");
  }

  private static String progress(Live l) {
    return l.scanned.get() + " of about " + l.total + " keys scanned";
  }

  /** Each index's state for {@code /admin/stats}: building or ready, keys scanned, entries. */
  public JsonArray status() {
    JsonArray all = new JsonArray();
    for (Live l : byName.values()) {
      all.add(
          new JsonObject()
              .put("name", l.spec.name())
              .put("type", l.spec.type().id())
              .put("state", l.ready ? "ready" : "building")
              .put("scanned", l.scanned.get())
              .put("total", Math.max(l.total, l.scanned.get()))
              .put("entries", l.size()));
    }
    return all;
  }

  public void close() {
    builder.shutdownNow();
  }
}
