package io.pxkv.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ServerOptionsTest {
  @Test
  void routersAndNodesLookAPeersNameUpAgainAfterAtMostASecond() {
    assertEquals(1, ServerOptions.vertx().getAddressResolverOptions().getCacheMaxTimeToLive());
  }
}
