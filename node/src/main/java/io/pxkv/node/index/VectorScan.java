package io.pxkv.node.index;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * How a {@link VectorIndex} keeps its vectors by slot and finds the best ones for a query: {@link
 * FloatColumns} for the dot and l2 metrics, {@link QuantizedVectors} for cosine. Both are exact:
 * every stored vector is compared with the query, and the scores they report are those of {@link
 * VectorIndex#score}, bit for bit. Not thread-safe: the index's lock guards it.
 */
interface VectorScan {
  /** A slot and its score, higher nearer (l2 reports minus the squared distance). */
  record SlotScore(int slot, float score) {}

  /** Makes room for slots {@code 0..slots-1}; {@code slots} is a multiple of the block size. */
  void grow(int slots);

  /** Stores {@code vector} (normalised for cosine) as slot {@code slot}'s. */
  void set(int slot, float[] vector);

  /**
   * The at most {@code k} slots of {@code 0..used-1} that {@code admits} takes, with the highest
   * scores against {@code query} (normalised for cosine), in no particular order.
   */
  List<SlotScore> best(float[] query, int k, int used, IntPredicate admits);
}
