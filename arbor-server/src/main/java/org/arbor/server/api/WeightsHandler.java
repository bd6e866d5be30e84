package org.arbor.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoPath;
import org.arbor.core.RepoType;
import org.arbor.service.FitEstimator;
import org.arbor.service.RepoFiles;
import org.arbor.service.WeightSummary;
import org.arbor.service.Weights;

/**
 * Arbor's own weight routes, beyond the Hub API: a file's tensor table and metadata
 * ({@code /weights/{rev}/{path}}), what changed between two revisions ({@code /weights-diff}),
 * and whether the model fits in memory ({@code /fit}).
 */
final class WeightsHandler {
  private final Weights weights;
  private final RepoFiles files;

  WeightsHandler(Weights weights, RepoFiles files) {
    this.weights = weights;
    this.files = files;
  }

  /** {@code GET /api/T/ns/name/weights/{rev}/{path}}: the inspection of one file. */
  void file(Exchange ex, RepoType type, RepoId id, int from) throws IOException {
    if (ex.segments() <= from + 1) {
      throw HubException.badRequest("Expected /weights/{revision}/{path}");
    }
    RevisionPath target = RevisionPath.split(ex, files, type, id, from);
    WeightSummary summary = weights.file(ex.caller(), type, id, target.revision(), RepoPath.of(target.path()));
    ex.json(Json.MAPPER.valueToTree(summary));
  }

  /** {@code GET /api/T/ns/name/weights-diff?from=REV&to=REV}. */
  void diff(Exchange ex, RepoType type, RepoId id) throws IOException {
    String from = ex.query("from");
    String to = ex.query("to");
    if (from == null || to == null) {
      throw HubException.badRequest("Give the two revisions to compare: ?from=REV&to=REV");
    }
    Weights.Diff diff = weights.diff(ex.caller(), type, id, from, to);
    ObjectNode out = Json.object().put("from", diff.from().hex()).put("to", diff.to().hex())
        .put("unchanged", diff.unchanged());
    ArrayNode changes = out.putArray("changes");
    for (Weights.TensorChange c : diff.changes()) {
      ObjectNode change = changes.addObject().put("tensor", c.name()).put("change", c.change());
      if (c.before() != null) {
        change.set("before", Json.MAPPER.valueToTree(c.before()));
      }
      if (c.after() != null) {
        change.set("after", Json.MAPPER.valueToTree(c.after()));
      }
    }
    ex.json(out);
  }

  /** {@code GET /api/T/ns/name/fit?memory=16GiB[&context=8192][&revision=main]}. */
  void fit(Exchange ex, RepoType type, RepoId id) throws IOException {
    String memory = ex.query("memory");
    if (memory == null) {
      throw HubException.badRequest("Give the memory to fit in: ?memory=16GiB");
    }
    String context = ex.query("context");
    Long ctx = context == null ? null : (long) ex.intQuery("context", 0, Integer.MAX_VALUE);
    String revision = ex.query("revision") == null ? "HEAD" : ex.query("revision");
    Weights.FitReport report = weights.fit(ex.caller(), type, id, revision, FitEstimator.parseBytes(memory), ctx);
    ObjectNode out = Json.object().put("commit", report.commit().hex()).put("memoryBytes", report.budgetBytes())
        .put("context", report.context())
        .put("formula", "total = weights + kv cache (2 x layers x kv_heads x head_dim x context x 2 bytes)"
            + " + overhead (10% of weights + 512 MiB)");
    ArrayNode variants = out.putArray("variants");
    for (FitEstimator.Estimate e : report.variants()) {
      variants.addObject().put("variant", e.variant()).put("weightsBytes", e.weightBytes())
          .put("kvCacheBytes", e.kvCacheBytes()).put("overheadBytes", e.overheadBytes())
          .put("totalBytes", e.totalBytes()).put("fits", e.fits());
    }
    ex.json(out);
  }
}
