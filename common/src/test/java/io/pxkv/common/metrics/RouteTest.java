package io.pxkv.common.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Route names: a fixed set, whatever the path. */
class RouteTest {
  @Test
  void pathsMapToTheirNamesAndEverythingElseToOther() {
    assertEquals(Route.HEALTH, Route.byPath("/health"));
    assertEquals(Route.METRICS, Route.byPath("/metrics"));
    assertEquals(Route.PUT_BATCH, Route.byPath("/internal/put-batch"));
    assertEquals(Route.INTERNAL_VIEW, Route.byPath("/internal/view/prepare"));
    assertEquals(Route.UI, Route.byPath("/ui"));
    assertEquals(Route.UI, Route.byPath("/ui/app.js"));
    assertEquals(Route.QUERY, Route.byPath("/query/knn"));
    assertEquals(Route.OTHER, Route.byPath("/uix"));
    assertEquals(Route.OTHER, Route.byPath("/some/key/nobody/knows"));
  }

  @Test
  void aKeyParameterIsFoundOnlyUnderItsOwnName() {
    assertTrue(Route.hasParam("key=a", "key"));
    assertTrue(Route.hasParam("limit=5&key=a", "key"));
    assertTrue(Route.hasParam("limit=5;key", "key"));
    assertTrue(Route.hasParam("key", "key"));
    assertFalse(Route.hasParam("keys=a", "key"));
    assertFalse(Route.hasParam("prefix=key=a", "key"));
    assertFalse(Route.hasParam("prefix=a&monkey=b", "key"));
    assertFalse(Route.hasParam("", "key"));
  }

  @Test
  void labelsAreDistinctSnakeCaseNames() {
    Set<String> seen = new HashSet<>();
    for (Route r : Route.values()) {
      assertTrue(r.label().matches("[a-z_]+"), r.label());
      assertTrue(seen.add(r.label()), r.label());
    }
  }
}
