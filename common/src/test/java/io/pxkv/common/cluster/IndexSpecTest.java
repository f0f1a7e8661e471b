package io.pxkv.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster file's {@code indexes}: read, refused with every problem named, kept in views. */
class IndexSpecTest {
  private static final String NODES =
      "\"nodes\":[{\"id\":\"n1\",\"url\":\"http://127.0.0.1:9001\"}]";

  @Test
  void readsEveryTypeAndWritesThemBack() {
    ClusterConfig c =
        ClusterConfig.fromJson(
            "{"
                + NODES
                + ",\"indexes\":[{\"name\":\"price\",\"path\":\"/price\",\"type\":\"number\"},"
                + "{\"name\":\"tag\",\"path\":\"/a~1b/0\",\"type\":\"string\"},"
                + "{\"name\":\"emb\",\"path\":\"/embedding\",\"type\":\"vector\",\"dims\":3,"
                + "\"metric\":\"l2\"}]}",
            "test");
    assertEquals(3, c.indexes().size());
    assertEquals(IndexSpec.Metric.L2, c.index("emb").metric());
    assertEquals(c, ClusterConfig.fromJson(c.toJson().encode(), "again"));
    assertEquals("x", c.index("tag").at(new JsonObject("{\"a/b\":[\"x\"]}")));
    assertNull(c.index("tag").at(new JsonObject("{\"a/b\":\"x\"}")));
  }

  @Test
  void badDeclarationsAreRefusedWithEveryProblemNamed() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ClusterConfig.fromJson(
                    "{"
                        + NODES
                        + ",\"indexes\":[{\"name\":\"a\",\"path\":\"price\",\"type\":\"number\"},"
                        + "{\"name\":\"b\",\"path\":\"/p\",\"type\":\"date\"},"
                        + "{\"name\":\"c\",\"path\":\"/v\",\"type\":\"vector\"},"
                        + "{\"name\":\"d\",\"path\":\"/v\",\"type\":\"vector\",\"dims\":2,"
                        + "\"metric\":\"manhattan\"},"
                        + "{\"name\":\"d\",\"path\":\"/w\",\"type\":\"number\"},"
                        + "{\"name\":\"e\",\"path\":\"/w\",\"type\":\"number\",\"dims\":2}]}",
                    "test"));
    String all = String.join("\n", e.problems());
    for (String expected :
        List.of(
            "indexes[0].path",
            "indexes[1].type",
            "indexes[2].dims",
            "indexes[3].metric",
            "indexes[4].name: duplicate",
            "indexes[5]: dims and metric")) {
      assertTrue(all.contains(expected), expected + " in:\n" + all);
    }
  }

  @Test
  void changingOnlyTheIndexesIsANewViewWithoutAMove() {
    ClusterConfig plain = ClusterConfig.fromJson("{" + NODES + "}", "test");
    ClusterState first = ClusterState.first("c1", plain);
    ClusterConfig indexed =
        plain.withIndexes(List.of(new IndexSpec("p", "/p", IndexSpec.Type.NUMBER, 0, null)));
    ClusterState next = first.toward(indexed, 2);
    assertFalse(next.moving(), "no key changes hands");
    assertEquals(indexed, next.target());
    assertEquals(next, ClusterState.fromJson(next.toJson(), "stored"));
  }
}
