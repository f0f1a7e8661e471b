package io.pxkv.router.client;

import io.vertx.core.buffer.Buffer;

/**
 * A node's whole answer to a forwarded call, passed to the client as it came: status, Content-Type
 * (null when the node sent none) and body bytes.
 */
public record NodeReply(int status, String contentType, Buffer body) {}
