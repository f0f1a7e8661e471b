package io.pxkv.router.listing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.kv.Cursors;
import org.junit.jupiter.api.Test;

class PagedListingBatchTest {
  @Test
  void eachOfSeveralNodesIsAskedForItsShareOfThePageWithSlack() {
    // A page of 1000 over 3 nodes: 334 each, a quarter more and 8: 425, not 1001 from each.
    assertEquals(425, PagedListing.firstBatch(1000, 3));
    assertEquals(
        Cursors.MAX_LIMIT / 2 + 1 + (Cursors.MAX_LIMIT / 2 + 1) / 4 + 8,
        PagedListing.firstBatch(Cursors.MAX_LIMIT, 2));
  }

  @Test
  void aNodeIsNeverAskedForMoreThanThePageAndOneAndOneNodeIsAskedForAll() {
    assertEquals(1001, PagedListing.firstBatch(1000, 1));
    assertEquals(2, PagedListing.firstBatch(1, 3));
    for (int nodes = 1; nodes <= 20; nodes++) {
      for (int limit = 1; limit <= Cursors.MAX_LIMIT; limit += 37) {
        int batch = PagedListing.firstBatch(limit, nodes);
        assertTrue(batch <= limit + 1, limit + " over " + nodes + ": " + batch);
        // Together the nodes are asked for at least one more than the page.
        assertTrue((long) batch * nodes >= limit + 1, limit + " over " + nodes + ": " + batch);
      }
    }
  }
}
