package io.pxkv.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationConfigTest {
  private static String file(String members, int nodes) {
    StringBuilder list = new StringBuilder();
    for (int i = 1; i <= nodes; i++) {
      if (i > 1) list.append(',');
      list.append("{\"id\":\"n").append(i).append("\",\"url\":\"http://h:").append(9000 + i);
      list.append("\",\"zone\":\"z").append((i - 1) % 2).append("\"}");
    }
    return "{" + members + (members.isEmpty() ? "" : ",") + "\"nodes\":[" + list + "]}";
  }

  @Test
  void aFileThatSaysNothingKeepsThreeCopiesWithQuorumsOfTwoCappedByTheNodes() {
    ClusterConfig c = ClusterConfig.fromJson(file("", 3), "f");
    assertEquals(3, c.copies());
    assertEquals(2, c.writeQuorum());
    assertEquals(2, c.readQuorum());
    assertEquals(3, c.toJson().getInteger("replicas"), "written out, whatever the default");
    ClusterConfig one = ClusterConfig.fromJson(file("", 1), "f");
    assertEquals(1, one.copies());
    assertEquals(1, one.writeQuorum());
    assertEquals(1, one.readQuorum());
    ClusterConfig single = ClusterConfig.fromJson(file("\"replicas\":1", 3), "f");
    assertEquals(1, single.copies());
    assertEquals(1, single.writeQuorum());
  }

  @Test
  void aViewStoredWithoutReplicasKeptOneCopyAndStillDoes() {
    ClusterConfig three = ClusterConfig.fromJson(file("", 3), "f");
    io.vertx.core.json.JsonObject stored =
        new ClusterState("c1", 4, three.layout(), List.of(), 0).toJson();
    stored.getJsonObject("settled").remove("replicas");
    for (Object l : stored.getJsonArray("layouts")) {
      ((io.vertx.core.json.JsonObject) l).remove("replicas");
    }
    ClusterState read = ClusterState.fromJson(stored, "view.json");
    assertEquals(1, read.target().copies());
    assertEquals(
        3,
        ClusterState.fromJson(new ClusterState("c1", 4, three.layout(), List.of(), 0).toJson(), "v")
            .target()
            .copies());
  }

  @Test
  void threeReplicasDefaultToQuorumsOfTwo() {
    ClusterConfig c = ClusterConfig.fromJson(file("\"replicas\":3", 3), "f");
    assertEquals(3, c.copies());
    assertEquals(2, c.writeQuorum());
    assertEquals(2, c.readQuorum());
  }

  @Test
  void replicasAreCappedByTheNodeCount() {
    ClusterConfig c = ClusterConfig.fromJson(file("\"replicas\":5", 2), "f");
    assertEquals(2, c.copies());
    assertEquals(2, c.writeQuorum());
  }

  @Test
  void impossibleSettingsAreRefusedNamingTheProblem() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ClusterConfig.fromJson(file("\"replicas\":3,\"writeQuorum\":3", 2), "f"));
    assertTrue(
        e.getMessage().contains("writeQuorum: must be at most the copies kept (2"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> ClusterConfig.fromJson(file("\"replicas\":0,\"readQuorum\":\"2\"", 3), "f"));
    assertTrue(e.getMessage().contains("replicas: must be a whole number 1..16"), e.getMessage());
    assertTrue(e.getMessage().contains("readQuorum: must be a whole number"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> ClusterConfig.fromJson(file("\"replicas\":2,\"readQuorum\":3", 3), "f"));
    assertTrue(e.getMessage().contains("readQuorum: must be at most"), e.getMessage());
  }

  @Test
  void zonesAndSettingsSurviveTheRoundTripThroughJson() {
    ClusterConfig c =
        ClusterConfig.fromJson(file("\"replicas\":3,\"writeQuorum\":3,\"readQuorum\":1", 3), "f");
    ClusterConfig again = ClusterConfig.fromJson(c.toJson().encode(), "again");
    assertEquals(c, again);
    assertEquals("z0", again.node("n1").zone());
    assertEquals(3, again.writeQuorum());
    assertEquals(1, again.readQuorum());
  }

  @Test
  void aBadZoneIsRefused() {
    String bad = "{\"replicas\":2,\"nodes\":[{\"id\":\"a\",\"url\":\"http://h:1\",\"zone\":7}]}";
    ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfig.fromJson(bad, "f"));
    assertTrue(e.getMessage().contains("nodes[0].zone"), e.getMessage());
    ClusterConfig none =
        ClusterConfig.fromJson("{\"nodes\":[{\"id\":\"a\",\"url\":\"http://h:1\"}]}", "f");
    assertNull(none.node("a").zone());
  }
}
