package io.pxkv.bench.scenarios;

import io.pxkv.bench.harness.Bench;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON documents of about 1 KB for the codec scenarios: an order with a customer and 8 line items,
 * the same shape {@code bench/wrk/put-doc-kv.lua} writes. Real documents repeat their field names
 * and many of their values, which is what deflate gains on.
 */
final class JsonDocuments {
  private JsonDocuments() {}

  static String document(int n) {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i <= 7; i++) {
      if (i > 0) items.append(',');
      items
          .append("{\"sku\":\"SKU-")
          .append((n * 31 + i) % 100000)
          .append("\",\"name\":\"item ")
          .append(i)
          .append(" of order ")
          .append(n)
          .append("\",\"qty\":")
          .append((n + i) % 7 + 1)
          .append(",\"price\":")
          .append((n * 7 + i) % 500)
          .append(".25,\"status\":\"shipped\",\"warehouse\":\"eu-west-")
          .append(i % 3)
          .append("\"}");
    }
    return "{\"id\":"
        + n
        + ",\"customer\":{\"id\":\"customer-"
        + n % 997
        + "\",\"email\":\"customer-"
        + n % 997
        + "@example.com\",\"tier\":\"gold\",\"country\":\"DE\"},\"currency\":\"EUR\","
        + "\"createdAt\":\"2026-12-05T03:00:00Z\",\"items\":["
        + items
        + "]}";
  }

  /** Imports {@code bench-0 .. bench-(keys-1)} as documents into the node at {@code url}. */
  static long importDocuments(Bench bench, String url, int keys) {
    long raw = 0;
    List<String> lines = new ArrayList<>();
    for (int n = 0; n < keys; n++) {
      String doc = document(n);
      raw += doc.length();
      lines.add("{\"key\":\"bench-" + n + "\",\"value\":" + doc + "}");
      if (lines.size() == 5000 || n == keys - 1) {
        bench.importLines(url, lines);
        lines.clear();
      }
    }
    return raw;
  }
}
