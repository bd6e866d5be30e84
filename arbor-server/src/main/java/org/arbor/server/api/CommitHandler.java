package org.arbor.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.CommitResult;
import org.arbor.service.Commits;
import org.arbor.service.Preupload;
import org.arbor.service.Uploads;

/** {@code preupload} (which files go to LFS) and {@code commit} (the NDJSON commit). */
final class CommitHandler {
  private final Commits commits;
  private final Uploads uploads;

  CommitHandler(Commits commits, Uploads uploads) {
    this.commits = commits;
    this.uploads = uploads;
  }

  /** {@code POST /api/T/ns/name/preupload/{rev}}: one answer per requested path, echoing it exactly. */
  void preupload(Exchange ex, RepoType type, RepoId id, String revision) throws IOException {
    JsonNode body = ex.readJson();
    List<Preupload> files = new ArrayList<>();
    for (JsonNode file : body.path("files")) {
      String path = RepoHandler.text(file, "path");
      if (path == null) {
        throw HubException.badRequest("Each file needs a path");
      }
      String sample = RepoHandler.text(file, "sample");
      byte[] bytes;
      try {
        bytes = sample == null ? new byte[0] : Base64.getMimeDecoder().decode(sample);
      } catch (IllegalArgumentException e) {
        throw HubException.badRequest("The sample of " + path + " is not valid base64");
      }
      files.add(new Preupload(path, file.path("size").asLong(0), bytes));
    }
    List<Preupload.Decision> decisions = uploads.preupload(ex.caller(), type, id, revision, files,
        RepoHandler.text(body, "gitAttributes"), RepoHandler.text(body, "gitIgnore"));
    ObjectNode out = Json.object();
    ArrayNode list = out.putArray("files");
    for (Preupload.Decision d : decisions) {
      ObjectNode entry = list.addObject()
          .put("path", d.path())
          .put("uploadMode", d.lfs() ? "lfs" : "regular")
          .put("shouldIgnore", d.shouldIgnore());
      if (d.oid() != null) {
        entry.put("oid", d.oid());
      } else {
        entry.putNull("oid");
      }
    }
    ex.json(out);
  }

  /** {@code POST /api/T/ns/name/commit/{rev}[?create_pr=1]} with an NDJSON body. */
  void commit(Exchange ex, RepoType type, RepoId id, String revision) throws IOException {
    boolean createPr = ex.flag("create_pr", false);
    CommitResult result;
    try (InputStream body = ex.body()) {
      NdjsonCommitReader reader = new NdjsonCommitReader(body);
      result = commits.commit(ex.caller(), type, id, revision, createPr, reader.header(), reader);
    }
    String repoUrl = ex.baseUrl() + "/" + type.urlPrefix() + result.repo();
    ObjectNode out = Json.object()
        .put("success", true)
        .put("commitOid", result.commit().hex())
        .put("commitUrl", repoUrl + "/commit/" + result.commit().hex())
        .put("hookOutput", "");
    result.pullRequest().ifPresent(n -> out.put("pullRequestUrl", repoUrl + "/discussions/" + n));
    ex.json(out);
  }
}
