package io.pxkv.launcher.openapi;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP proxy in front of a real router that checks every request it passes on, and every answer
 * it passes back, against an {@link ApiDocument}: the request as a server receives it
 * (vertx-openapi reads its path, query and body the way it would in a server), the answer's status,
 * headers and body. What it finds is kept with the exchange, which the test takes with {@link
 * #next}; the client gets the router's answer unchanged.
 */
public final class ValidatingProxy {
  /** One call through the proxy and what the document says about it. */
  public record Exchange(
      String method,
      String uri,
      String operationId,
      int status,
      String contentType,
      MultiMap headers,
      Buffer body,
      List<String> requestProblems,
      List<String> responseProblems) {

    public String bodyText() {
      return body.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return method
          + " "
          + uri
          + " ("
          + operationId
          + ") -> "
          + status
          + " "
          + contentType
          + " "
          + abbreviated(bodyText())
          + "\n  request: "
          + requestProblems
          + "\n  response: "
          + responseProblems;
    }

    private static String abbreviated(String s) {
      return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
  }

  private record Answer(HttpClientResponse response, Buffer body) {}

  private final ApiDocument document;
  private final RequestValidator requests;
  private final ResponseValidator responses;
  private final HttpClient client;
  private final int routerPort;
  private final LinkedBlockingQueue<Exchange> exchanges = new LinkedBlockingQueue<>();
  private HttpServer server;

  private ValidatingProxy(Vertx vertx, ApiDocument document, int routerPort) {
    this.document = document;
    this.requests = RequestValidator.create(vertx, document.contract());
    this.responses = ResponseValidator.create(vertx, document.contract());
    this.client = vertx.createHttpClient();
    this.routerPort = routerPort;
  }

  public static Future<ValidatingProxy> start(Vertx vertx, ApiDocument document, int routerPort) {
    ValidatingProxy proxy = new ValidatingProxy(vertx, document, routerPort);
    return vertx
        .createHttpServer()
        .requestHandler(proxy::handle)
        .listen(0, "127.0.0.1")
        .map(
            server -> {
              proxy.server = server;
              return proxy;
            });
  }

  public int port() {
    return server.actualPort();
  }

  /** The next finished exchange, in the order the calls were made. */
  public Exchange next() throws InterruptedException {
    Exchange e = exchanges.poll(30, TimeUnit.SECONDS);
    if (e == null) throw new AssertionError("no exchange through the proxy within 30 s");
    return e;
  }

  private void handle(HttpServerRequest request) {
    request
        .body()
        .onSuccess(body -> pass(request, body))
        .onFailure(t -> request.response().setStatusCode(599).end(String.valueOf(t)));
  }

  private void pass(HttpServerRequest request, Buffer body) {
    Operation op = document.contract().findOperation(request.path(), request.method());
    String id = op == null ? null : op.getOperationId();
    Future<List<String>> requestProblems =
        op == null
            ? Future.succeededFuture(
                List.of("the document has no operation " + request.method() + " " + request.path()))
            : checkRequest(request, op, body);
    RequestOptions options =
        new RequestOptions()
            .setMethod(request.method())
            .setHost("127.0.0.1")
            .setPort(routerPort)
            .setURI(request.uri());
    for (Map.Entry<String, String> h : request.headers()) {
      String name = h.getKey().toLowerCase();
      if (!name.equals("host") && !name.equals("content-length")) {
        options.addHeader(h.getKey(), h.getValue());
      }
    }
    client
        .request(options)
        .compose(out -> out.send(body))
        .compose(r -> r.body().map(b -> new Answer(r, b)))
        .onSuccess(
            answer -> {
              HttpClientResponse r = answer.response();
              Buffer b = answer.body();
              Future<List<String>> responseProblems =
                  id == null ? Future.succeededFuture(List.of()) : checkResponse(id, r, b);
              Future.join(requestProblems, responseProblems)
                  .onComplete(
                      done -> {
                        exchanges.add(
                            new Exchange(
                                request.method().name(),
                                request.uri(),
                                id,
                                r.statusCode(),
                                r.getHeader(HttpHeaders.CONTENT_TYPE),
                                r.headers(),
                                b,
                                requestProblems.result(),
                                responseProblems.result()));
                        var response = request.response().setStatusCode(r.statusCode());
                        response.headers().addAll(r.headers());
                        response.headers().remove(HttpHeaders.TRANSFER_ENCODING);
                        response.end(b);
                      });
            })
        .onFailure(t -> request.response().setStatusCode(599).end("proxy: " + t));
  }

  private Future<List<String>> checkRequest(HttpServerRequest request, Operation op, Buffer body) {
    ApiDocument.OtherMedia other = document.otherRequest(op.getOperationId());
    List<String> problems = new ArrayList<>();
    if (other != null) {
      problems.addAll(
          document.check(
              other,
              request.getHeader(HttpHeaders.CONTENT_TYPE),
              body.toString(StandardCharsets.UTF_8)));
    }
    return RequestUtils.extract(request, op, () -> Future.succeededFuture(body))
        .compose(validatable -> requests.validate(validatable, op.getOperationId()))
        .map(ok -> problems)
        .recover(
            t -> {
              problems.add(describe(t));
              return Future.succeededFuture(problems);
            });
  }

  private Future<List<String>> checkResponse(String id, HttpClientResponse r, Buffer body) {
    String contentType = r.getHeader(HttpHeaders.CONTENT_TYPE);
    ApiDocument.OtherMedia other = document.otherResponse(id, r.statusCode());
    List<String> problems = new ArrayList<>();
    if (other != null) {
      problems.addAll(document.check(other, contentType, body.toString(StandardCharsets.UTF_8)));
    }
    Map<String, String> headers = new HashMap<>();
    for (Map.Entry<String, String> h : r.headers()) headers.put(h.getKey(), h.getValue());
    ValidatableResponse validatable =
        other != null || body.length() == 0
            ? ValidatableResponse.create(r.statusCode(), headers)
            : ValidatableResponse.create(r.statusCode(), headers, body, contentType);
    return responses
        .validate(validatable, id)
        .map(ok -> problems)
        .recover(
            t -> {
              problems.add(describe(t));
              return Future.succeededFuture(problems);
            });
  }

  private static String describe(Throwable t) {
    String message = String.valueOf(t.getMessage());
    if (t instanceof io.vertx.openapi.validation.SchemaValidationException e
        && e.getOutputUnit() != null) {
      message += " " + e.getOutputUnit().getErrors();
    }
    return message;
  }
}
