package org.arbor.server.api;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.arbor.service.Commits;

/**
 * JSON as the Hub writes it. Response bodies are built field by field with the Hub's own key
 * names, so the wire format is visible where it is produced; dates are ISO-8601 UTC ending in
 * {@code Z} with milliseconds, the only form huggingface_hub parses.
 */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** Regular files arrive base64-encoded in one NDJSON string; allow exactly the regular-file limit. */
  static final int MAX_NDJSON_STRING = (Commits.MAX_REGULAR_FILE_BYTES / 3 + 1) * 4 + 1024;

  static {
    MAPPER.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxStringLength(MAX_NDJSON_STRING).build());
  }

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static String date(Instant instant) {
    return DATE.format(instant);
  }
}
