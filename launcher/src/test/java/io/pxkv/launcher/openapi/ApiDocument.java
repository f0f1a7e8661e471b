package io.pxkv.launcher.openapi;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docs/openapi.yaml, loaded for checking: the {@link OpenAPIContract} vertx-openapi validates with,
 * and what that library cannot read. vertx-openapi 5.0 reads JSON, text and multipart bodies only;
 * the document also has {@code application/x-ndjson} (export, import) and {@code application/yaml}
 * (the document itself). Those media types are taken out of the copy the library loads and checked
 * here instead: the Content-Type must be the one declared, and each JSON line must match the schema
 * the media type names in {@code x-line-schema}.
 */
public final class ApiDocument {
  /** What the document declares for one body the library cannot read. */
  record OtherMedia(String type, String lineSchema) {}

  private final OpenAPIContract contract;
  private final Map<String, OtherMedia> requests;
  private final Map<String, OtherMedia> responses;

  private ApiDocument(
      OpenAPIContract contract,
      Map<String, OtherMedia> requests,
      Map<String, OtherMedia> responses) {
    this.contract = contract;
    this.requests = requests;
    this.responses = responses;
  }

  /** Parses {@code yaml} (an OpenAPI 3.1 document) and has vertx-openapi check and resolve it. */
  public static Future<ApiDocument> load(Vertx vertx, String yaml) {
    return load(vertx, parse(yaml));
  }

  public static JsonObject parse(String yaml) {
    Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) tree;
    return new JsonObject(map);
  }

  public static Future<ApiDocument> load(Vertx vertx, JsonObject document) {
    JsonObject copy = document.copy();
    Map<String, OtherMedia> requests = new HashMap<>();
    Map<String, OtherMedia> responses = new HashMap<>();
    JsonObject paths = copy.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (method.equals("parameters")) continue;
        JsonObject op = item.getJsonObject(method);
        String id = op.getString("operationId");
        JsonObject body = op.getJsonObject("requestBody");
        if (body != null) {
          OtherMedia other = takeOther(body.getJsonObject("content"));
          if (other != null) {
            requests.put(id, other);
            if (body.getJsonObject("content").isEmpty()) op.remove("requestBody");
          }
        }
        JsonObject answers = op.getJsonObject("responses");
        for (String status : answers.fieldNames()) {
          JsonObject content = answers.getJsonObject(status).getJsonObject("content");
          OtherMedia other = content == null ? null : takeOther(content);
          if (other != null) {
            responses.put(id + " " + status, other);
            if (content.isEmpty()) answers.getJsonObject(status).remove("content");
          }
        }
      }
    }
    return OpenAPIContract.from(vertx, copy)
        .map(contract -> new ApiDocument(contract, requests, responses));
  }

  /** Removes the one media type the library cannot read from {@code content}, if any. */
  private static OtherMedia takeOther(JsonObject content) {
    for (String type : new ArrayList<>(content.fieldNames())) {
      if (MediaType.isMediaTypeSupported(type)) continue;
      JsonObject media = (JsonObject) content.remove(type);
      JsonObject line = media.getJsonObject("x-line-schema");
      String ref = line == null ? null : line.getString("$ref");
      return new OtherMedia(type, ref == null ? null : ref.substring(ref.lastIndexOf('/') + 1));
    }
    return null;
  }

  public OpenAPIContract contract() {
    return contract;
  }

  /** The request body the library cannot read for this operation, or null. */
  OtherMedia otherRequest(String operationId) {
    return requests.get(operationId);
  }

  /** The response body the library cannot read for this operation and status, or null. */
  OtherMedia otherResponse(String operationId, int status) {
    return responses.get(operationId + " " + status);
  }

  /** Every operation id of the document. */
  public List<String> operationIds() {
    return contract.operations().stream().map(op -> op.getOperationId()).toList();
  }

  /**
   * Checks {@code json} against the document's schema {@code name} (of {@code components/schemas}).
   * For answers whose schema is a choice ({@code GET /kv} answers a key, a page or every pair), the
   * test says which one a call must get. Returns the problems found.
   */
  public List<String> checkSchema(String name, String json) {
    JsonObject schema =
        contract
            .getRawContract()
            .getJsonObject("components")
            .getJsonObject("schemas")
            .getJsonObject(name);
    OutputUnit result =
        contract
            .getSchemaRepository()
            .validator(JsonSchema.of(schema))
            .validate(new JsonObject(json));
    return result.getValid() ? List.of() : List.of(name + ": " + result.getErrors());
  }

  /**
   * Checks {@code body} against a body the library cannot read: the Content-Type, and every line
   * against its schema. Returns the problems found, none when it matches.
   */
  List<String> check(OtherMedia media, String contentType, String body) {
    List<String> problems = new ArrayList<>();
    if (contentType == null || !contentType.equals(media.type())) {
      problems.add("Content-Type " + contentType + ", the document says " + media.type());
    }
    if (media.lineSchema() == null) return problems;
    JsonObject schema =
        contract
            .getRawContract()
            .getJsonObject("components")
            .getJsonObject("schemas")
            .getJsonObject(media.lineSchema());
    String[] lines = body.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isEmpty()) continue;
      Object line;
      try {
        line = lines[i].startsWith("{") ? new JsonObject(lines[i]) : new JsonArray(lines[i]);
      } catch (RuntimeException e) {
        problems.add("line " + (i + 1) + " is not a JSON object: " + lines[i]);
        continue;
      }
      OutputUnit result =
          contract.getSchemaRepository().validator(JsonSchema.of(schema)).validate(line);
      if (!result.getValid()) {
        problems.add(
            "line "
                + (i + 1)
                + " does not match "
                + media.lineSchema()
                + ": "
                + result.getErrors());
      }
    }
    return problems;
  }
}
