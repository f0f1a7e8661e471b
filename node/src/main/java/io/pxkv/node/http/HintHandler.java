package io.pxkv.node.http;

import io.pxkv.common.error.ErrorCode;
import io.pxkv.common.error.KvException;
import io.pxkv.common.http.BodyReader;
import io.pxkv.common.http.ErrorResponses;
import io.pxkv.common.http.Headers;
import io.pxkv.common.http.JsonResponses;
import io.pxkv.common.http.Requests;
import io.pxkv.common.kv.RecordBatch;
import io.pxkv.common.kv.ValueLimits;
import io.pxkv.node.hints.HintService;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * {@code POST /internal/hints?node=ID&url=URL}: a router asks this node to stand in for replica
 * {@code ID} (reached at {@code URL}) that missed a write: the body is the write as {@code POST
 * /internal/replicate} carries it (a {@link RecordBatch}), kept as hints in the node's hint store,
 * apart from its own keys, and handed over to the replica when it answers again ({@code
 * HintDelivery}). Answers {@code {"stored":n}} once the hints are written (fsynced per the node's
 * sync mode); {@code 507 insufficient_storage} when the hint store is full. Runs on an event loop.
 */
public final class HintHandler {
  private final HintService hints;
  private final ValueLimits limits;
  private final String self;

  public HintHandler(HintService hints, ValueLimits limits, String self) {
    this.hints = hints;
    this.limits = limits;
    this.self = self;
  }

  /** {@code POST /internal/hints}. */
  public void store(HttpServerRequest request) {
    Requests.requireMethod(request, HttpMethod.POST);
    String node = request.getParam("node");
    String url = request.getParam("url");
    if (node == null || node.isEmpty() || node.length() > 1000) {
      throw new KvException(
          ErrorCode.INVALID_REQUEST, "node must name the replica the hints are for");
    }
    if (node.equals(self)) {
      throw new KvException(ErrorCode.INVALID_REQUEST, "a node keeps no hints for itself");
    }
    checkUrl(url);
    if (!RecordBatch.CONTENT_TYPE.equals(request.getHeader(Headers.CONTENT_TYPE))) {
      throw new KvException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "/internal/hints takes a body of type " + RecordBatch.CONTENT_TYPE);
    }
    BodyReader.read(request, RecordBatch.MAX_BATCH_BYTES)
        .map(body -> ReplicaWriteHandler.checked(RecordBatch.decode(body), limits))
        .compose(records -> hints.append(node, url, records).map(records.size()))
        .onSuccess(
            n ->
                JsonResponses.send(
                    request.response(), 200, new JsonObject().put("stored", n).toBuffer()))
        .onFailure(t -> ErrorResponses.send(request.response(), t));
  }

  private static void checkUrl(String url) {
    String why = null;
    if (url == null) {
      why = "is missing";
    } else {
      try {
        URI u = new URI(url);
        String scheme = u.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || u.getHost() == null) {
          why = "must be http://host:port or https://host:port";
        }
      } catch (java.net.URISyntaxException e) {
        why = "is not a URL";
      }
    }
    if (why != null) {
      throw new KvException(
          ErrorCode.INVALID_REQUEST, "url (where the replica the hints are for answers) " + why);
    }
  }
}
