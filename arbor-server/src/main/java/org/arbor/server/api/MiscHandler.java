package org.arbor.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.arbor.service.CardValidation;

/** Small endpoints: README validation. */
final class MiscHandler {
  /**
   * {@code POST /api/validate-yaml} with {@code {content, repoType}}. Python calls it before
   * committing a README and reads the JSON before the status, so every answer is JSON.
   */
  void validateYaml(Exchange ex) throws IOException {
    JsonNode body = ex.readJson();
    String content = RepoHandler.text(body, "content");
    String repoType = RepoHandler.text(body, "repoType");
    List<String> errors = CardValidation.errors(content == null ? "" : content,
        repoType == null ? org.arbor.core.RepoType.MODEL : org.arbor.core.RepoType.fromSingular(repoType));
    ObjectNode out = Json.object();
    ArrayNode list = out.putArray("errors");
    errors.forEach(message -> list.addObject().put("message", message));
    out.putArray("warnings");
    ex.json(errors.isEmpty() ? 200 : 400, out);
  }
}
