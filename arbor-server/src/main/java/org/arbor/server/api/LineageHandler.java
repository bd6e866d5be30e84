package org.arbor.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.Lineage;

/** {@code GET /api/models/ns/name/lineage}: the model tree around one model. */
final class LineageHandler {
  private final Lineage lineage;

  LineageHandler(Lineage lineage) {
    this.lineage = lineage;
  }

  void tree(Exchange ex, RepoType type, RepoId id) throws IOException {
    Lineage.Tree tree = lineage.tree(ex.caller(), type, id);
    ObjectNode out = Json.object().put("id", tree.id());
    ArrayNode ancestors = out.putArray("ancestors");
    tree.ancestors().forEach(a -> ancestors.addObject()
        .put("id", a.id()).put("relation", a.relation()).put("hosted", a.hosted()));
    ObjectNode counts = out.putObject("children").put("total", tree.childTotal());
    tree.childCounts().forEach(counts::put);
    ArrayNode children = counts.putArray("models");
    tree.children().forEach(c -> children.addObject().put("id", c.id()).put("relation", c.relation())
        .put("downloads", c.downloads()).put("likes", c.likes()));
    ex.json(out);
  }
}
