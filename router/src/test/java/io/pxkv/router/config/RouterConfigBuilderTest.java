package io.pxkv.router.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterConfigBuilderTest {
  private static final ClusterConfig CLUSTER =
      new ClusterConfig(64, List.of(NodeInfo.of("node-1", "127.0.0.1", 9001)));

  @Test
  void aBuilderStartsFromTheDefaultsAndChangesOnlyWhatItIsTold() {
    RouterConfig config =
        RouterConfig.builder().cluster(CLUSTER, "c.json").port(8081).pipelining(4).build();
    RouterConfig defaults = RouterConfig.of(CLUSTER, 8081);
    assertEquals(
        new RouterConfig(
            defaults.host(),
            8081,
            "c.json",
            CLUSTER,
            defaults.timeoutMs(),
            defaults.connectTimeoutMs(),
            defaults.poolSize(),
            4,
            defaults.instances(),
            defaults.limits(),
            defaults.rebalanceKeysPerSecond(),
            defaults.rebalanceBusyKeysPerSecond(),
            defaults.antiEntropyKeysPerSecond(),
            defaults.nodeClient(),
            defaults.metrics(),
            defaults.security()),
        config);
  }

  @Test
  void toBuilderKeepsEverySetting() {
    RouterConfig config =
        RouterConfig.builder()
            .cluster(CLUSTER, "c.json")
            .host("10.0.0.1")
            .timeoutMs(700)
            .connectTimeoutMs(300)
            .poolSize(3)
            .instances(2)
            .rebalanceKeysPerSecond(10, 5)
            .antiEntropyKeysPerSecond(7)
            .nodeClient("vertx")
            .metrics(false)
            .build();
    assertEquals(config, config.toBuilder().build());
    assertEquals(900, config.withTimeoutMs(900).timeoutMs());
    assertEquals(config, config.withTimeoutMs(900).withTimeoutMs(700));
  }

  @Test
  void aConfigNeedsACluster() {
    assertThrows(IllegalStateException.class, () -> RouterConfig.builder().build());
  }
}
