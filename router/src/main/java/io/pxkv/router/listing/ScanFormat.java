package io.pxkv.router.listing;

import io.pxkv.common.http.Headers;
import io.pxkv.common.kv.KvJson;
import io.vertx.core.buffer.Buffer;

/** How a merged, streamed listing is written: its content type, its start, each pair, its end. */
interface ScanFormat {
  CharSequence contentType();

  void start(Buffer out);

  /** Writes live record {@code r}; {@code first} for the first one written. */
  void pair(ScanRecord r, boolean first, Buffer out);

  void end(Buffer out);

  /** {@code GET /kv}: one JSON object, {@code {K1:V1,K2:V2,...}}. */
  ScanFormat OBJECT =
      new ScanFormat() {
        @Override
        public CharSequence contentType() {
          return Headers.APPLICATION_JSON;
        }

        @Override
        public void start(Buffer out) {
          out.appendByte((byte) '{');
        }

        @Override
        public void pair(ScanRecord r, boolean first, Buffer out) {
          if (!first) out.appendByte((byte) ',');
          out.appendBytes(KvJson.quote(r.key())).appendByte((byte) ':').appendBuffer(r.value());
        }

        @Override
        public void end(Buffer out) {
          out.appendByte((byte) '}');
        }
      };

  /** {@code GET /admin/export}: JSON lines {@code {"key":K,"value":V,"version":N,"writer":W}}. */
  ScanFormat EXPORT_LINES =
      new ScanFormat() {
        @Override
        public CharSequence contentType() {
          return Headers.APPLICATION_NDJSON;
        }

        @Override
        public void start(Buffer out) {}

        @Override
        public void pair(ScanRecord r, boolean first, Buffer out) {
          out.appendString("{\"key\":")
              .appendBytes(KvJson.quote(r.key()))
              .appendString(",\"value\":")
              .appendBuffer(r.value())
              .appendString(",\"version\":")
              .appendString(Long.toString(r.version()))
              .appendString(",\"writer\":")
              .appendString(Integer.toUnsignedString(r.writer()));
          if (r.expiresAt() != null) {
            // Written by the node as RFC 3339: no character of it needs escaping.
            out.appendString(",\"expiresAt\":\"")
                .appendString(r.expiresAt())
                .appendByte((byte) '"');
          }
          out.appendString("}\n");
        }

        @Override
        public void end(Buffer out) {}
      };
}
